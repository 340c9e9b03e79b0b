package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// scanBatch is the number of rows read and converted at a time.
const scanBatch = 2048

// ScanCloudTrail reads the events of the lake's cloudtrail partitions whose
// date lies in [since, until] (YYYY-MM-DD, inclusive; "" leaves that end
// open) and calls fn for each, serially (unless Concurrently), in
// partition order: by date, then account, region and file, and in file
// order within a file. Row
// groups are decoded in parallel, GOMAXPROCS at a time (one row group of
// events each in memory, about 40 MB for 64k events), while fn runs.
// fn must not retain e after it returns; the strings of an event are
// slices of page-sized buffers, so strings.Clone what is kept for long.
// An error from fn, or a damaged file, stops the scan and is returned.
//
// Options: Columns limits the columns decoded.
func ScanCloudTrail(ctx context.Context, dir, since, until string, fn func(e *vigil.Event, p vigil.Partition) error, opts ...ScanOption) error {
	var cfg scanConfig
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return err
		}
	}
	files, err := partitionFiles(filepath.Join(dir, TableCloudTrail), since, until)
	if err != nil {
		return err
	}
	return scanFiles(ctx, files, runtime.GOMAXPROCS(0), cfg, fn)
}

// ScanOption tunes ScanCloudTrail.
type ScanOption func(*scanConfig) error

type scanConfig struct {
	keep       func(column string) bool // nil: every column
	concurrent bool
}

// Concurrently lets a scan call fn from several goroutines at once, in no
// particular order, each on the events of the row group it decoded: for
// a fn that is safe for concurrent use and does not depend on the order
// (the detection engine), whose work then runs in parallel too instead
// of after the decoding in one goroutine.
func Concurrently() ScanOption {
	return func(c *scanConfig) error {
		c.concurrent = true
		return nil
	}
}

// Columns limits a scan to the named cloudtrail columns: Athena's names,
// dotted for nested fields ("useridentity.arn"), a struct's or array's
// name selecting all of its fields ("resources"). The events' other fields
// stay empty. The columnar decoder's cost is per column, so a reader that
// needs a few columns should name them. A name that is no column is an
// error.
func Columns(names ...string) ScanOption {
	return func(c *scanConfig) error {
		want := map[string]bool{}
		for _, n := range names {
			n = strings.ToLower(n)
			found := false
			for leaf := range leafSetters {
				if columnUnder(leaf, n) {
					found = true
					break
				}
			}
			if !found {
				return fmt.Errorf("scan: no cloudtrail column %q", n)
			}
			want[n] = true
		}
		c.keep = func(leaf string) bool {
			for n := range want {
				if columnUnder(leaf, n) {
					return true
				}
			}
			return false
		}
		return nil
	}
}

// columnUnder reports whether leaf column path (as leafSetters names it,
// with Parquet's list and map levels) is name or lies under it.
func columnUnder(leaf, name string) bool {
	return leaf == name || strings.HasPrefix(leaf, name+".")
}

// partitionFile is one Parquet file of a partition.
type partitionFile struct {
	path string
	p    vigil.Partition
}

// partitionFiles lists a table's files in scan order.
func partitionFiles(table, since, until string) ([]partitionFile, error) {
	var out []partitionFile
	err := filepath.WalkDir(table, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == table {
				return filepath.SkipAll // no such table yet: nothing to scan
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".parquet") {
			return nil
		}
		rel, err := filepath.Rel(table, path)
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 4 {
			return nil
		}
		a, ok1 := strings.CutPrefix(parts[0], "account=")
		r, ok2 := strings.CutPrefix(parts[1], "region=")
		day, ok3 := strings.CutPrefix(parts[2], "date=")
		if !ok1 || !ok2 || !ok3 || (since != "" && day < since) || (until != "" && day > until) {
			return nil
		}
		out = append(out, partitionFile{path: path, p: vigil.Partition{Account: a, Region: r, Date: day}})
		return nil
	})
	slices.SortFunc(out, func(x, y partitionFile) int {
		if c := strings.Compare(x.p.Date, y.p.Date); c != 0 {
			return c
		}
		if c := strings.Compare(x.p.Account, y.p.Account); c != 0 {
			return c
		}
		if c := strings.Compare(x.p.Region, y.p.Region); c != 0 {
			return c
		}
		return strings.Compare(x.path, y.path)
	})
	return out, err
}

// scanUnit is one row group of one file, decoded by one worker.
type scanUnit[B any] struct {
	file partitionFile
	rg   parquet.RowGroup
	out  chan B // decoded batches, closed at the end
}

// openedFile is closed when the last of its row groups is decoded.
type openedFile struct {
	f    *os.File
	left atomic.Int32
}

func (o *openedFile) release() {
	if o.left.Add(-1) == 0 {
		o.f.Close()
	}
}

// scanRowGroups decodes the files' row groups in parallel, `workers` at a
// time and at most `workers` ahead of the consumer, and hands their
// batches to consume serially, in file and row-group order, or, when
// concurrent, to consume in the decoding goroutine as soon as decoded.
// decode sends a row group's batches in order; a panic in it (parquet-go
// panics on some damaged files) becomes an error naming the file.
func scanRowGroups[B any](ctx context.Context, files []partitionFile, workers int, concurrent bool,
	decode func(ctx context.Context, pf partitionFile, rg parquet.RowGroup, send func(B) error) error,
	consume func(B, vigil.Partition) error) error {
	g, ctx := errgroup.WithContext(ctx)
	units := make(chan *scanUnit[B], workers)
	g.Go(func() error {
		defer close(units)
		sem := make(chan struct{}, workers)
		for _, pf := range files {
			f, rgs, err := openParquet(pf.path)
			if err != nil {
				return err
			}
			of := &openedFile{f: f}
			of.left.Store(int32(len(rgs)))
			if len(rgs) == 0 {
				f.Close()
			}
			for i, rg := range rgs {
				u := &scanUnit[B]{file: pf, rg: rg, out: make(chan B, 2)}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					for range rgs[i:] {
						of.release()
					}
					return ctx.Err()
				}
				select {
				case units <- u:
				case <-ctx.Done():
					<-sem
					for range rgs[i:] {
						of.release()
					}
					return ctx.Err()
				}
				g.Go(func() (err error) {
					defer func() { <-sem }()
					defer of.release()
					defer close(u.out)
					defer func() {
						if r := recover(); r != nil {
							err = fmt.Errorf("read %s: %w: %v", u.file.path, vigil.ErrMalformedInput, r)
						}
					}()
					return decode(ctx, u.file, u.rg, func(b B) error {
						if concurrent {
							return consume(b, u.file.p)
						}
						select {
						case u.out <- b:
							return nil
						case <-ctx.Done():
							return ctx.Err()
						}
					})
				})
			}
		}
		return nil
	})
	g.Go(func() error {
		for u := range units {
			for b := range u.out {
				if err := consume(b, u.file.p); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}

func scanFiles(ctx context.Context, files []partitionFile, workers int, cfg scanConfig, fn func(*vigil.Event, vigil.Partition) error) error {
	free := make(chan []vigil.Event, 4*workers) // recycled batches
	return scanRowGroups(ctx, files, workers, cfg.concurrent,
		func(ctx context.Context, pf partitionFile, rg parquet.RowGroup, send func([]vigil.Event) error) error {
			return decodeEvents(pf, rg, cfg.keep, free, send)
		},
		func(batch []vigil.Event, p vigil.Partition) error {
			for i := range batch {
				if err := fn(&batch[i], p); err != nil {
					return err
				}
			}
			clear(batch) // drop string references before reuse
			select {
			case free <- batch[:0]:
			default:
			}
			return nil
		})
}

// openParquet opens a Parquet file and returns its row groups; the caller
// closes the file once they are read.
func openParquet(path string) (*os.File, []parquet.RowGroup, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true), parquet.ReadBufferSize(1<<20))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, pf.RowGroups(), nil
}

// decodeEvents reads a row group's rows into events: all at once with
// the columnar decoder, or in batches with the generic reader when the
// file's schema is not the one the columnar decoder knows.
func decodeEvents(pf partitionFile, rg parquet.RowGroup, keep func(string) bool, free chan []vigil.Event, send func([]vigil.Event) error) error {
	batchOf := func(n int) []vigil.Event {
		select {
		case b := <-free:
			if cap(b) >= n {
				return b[:n]
			}
		default:
		}
		return make([]vigil.Event, n)
	}
	if cols, ok := columnsOf(rg.Schema(), keep); ok {
		n := rg.NumRows()
		if n > 1<<24 {
			return fmt.Errorf("read %s: %w: row group of %d rows", pf.path, vigil.ErrMalformedInput, n)
		}
		events := batchOf(int(n))
		d := &rowDecoder{keys: map[*vigil.Event][]string{}}
		chunks := rg.ColumnChunks()
		for i := range cols {
			if err := decodeColumn(d, events, &cols[i], chunks[cols[i].index]); err != nil {
				return fmt.Errorf("read %s: %w: %w", pf.path, vigil.ErrMalformedInput, err)
			}
		}
		return send(events)
	}
	r := parquet.NewGenericRowGroupReader[ctRow](rg)
	defer r.Close()
	rows := make([]ctRow, scanBatch)
	for {
		n, rerr := r.Read(rows)
		if n > 0 {
			batch := batchOf(n)
			for i := range rows[:n] {
				rows[i].toEvent(&batch[i])
			}
			clear(rows[:n])
			if err := send(batch); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read %s: %w", pf.path, rerr)
		}
	}
}

// toEvent is the inverse of rowArena.newCTRow.
func (r *ctRow) toEvent(e *vigil.Event) {
	*e = vigil.Event{
		EventVersion:                 deref(r.EventVersion),
		EventTime:                    deref(r.EventTime),
		EventSource:                  deref(r.EventSource),
		EventName:                    deref(r.EventName),
		AWSRegion:                    deref(r.AWSRegion),
		SourceIPAddress:              deref(r.SourceIPAddress),
		UserAgent:                    deref(r.UserAgent),
		ErrorCode:                    deref(r.ErrorCode),
		ErrorMessage:                 deref(r.ErrorMessage),
		RequestParameters:            deref(r.RequestParameters),
		ResponseElements:             deref(r.ResponseElements),
		AdditionalEventData:          deref(r.AdditionalEventData),
		RequestID:                    deref(r.RequestID),
		EventID:                      deref(r.EventID),
		ReadOnly:                     deref(r.ReadOnly),
		EventType:                    deref(r.EventType),
		APIVersion:                   deref(r.APIVersion),
		ManagementEvent:              deref(r.ManagementEvent),
		RecipientAccountID:           deref(r.RecipientAccountID),
		ServiceEventDetails:          deref(r.ServiceEventDetails),
		SharedEventID:                deref(r.SharedEventID),
		VPCEndpointID:                deref(r.VPCEndpointID),
		VPCEndpointAccountID:         deref(r.VPCEndpointAccountID),
		EventCategory:                deref(r.EventCategory),
		SessionCredentialFromConsole: deref(r.SessionCredentialFromConsole),
		EdgeDeviceDetails:            deref(r.EdgeDeviceDetails),
		InsightDetails:               deref(r.InsightDetails),
		Extra:                        deref(r.Extra),
	}
	if id := r.UserIdentity; id != nil {
		u := &e.UserIdentity
		*u = vigil.UserIdentity{
			Type: deref(id.Type), PrincipalID: deref(id.PrincipalID), ARN: deref(id.ARN), AccountID: deref(id.AccountID),
			InvokedBy: deref(id.InvokedBy), AccessKeyID: deref(id.AccessKeyID), UserName: deref(id.UserName),
		}
		if o := id.OnBehalfOf; o != nil {
			u.OnBehalfOfUser, u.IdentityStore = deref(o.UserID), deref(o.IdentityStoreARN)
		}
		if c := id.SessionContext; c != nil {
			sc := &vigil.SessionContext{EC2RoleDelivery: deref(c.EC2RoleDelivery), SourceIdentity: deref(c.SourceIdentity)}
			if a := c.Attributes; a != nil {
				sc.MFAAuthenticated, sc.CreationDate = deref(a.MFAAuthenticated), deref(a.CreationDate)
			}
			if is := c.SessionIssuer; is != nil {
				sc.SessionIssuer = &vigil.SessionIssuer{Type: deref(is.Type), PrincipalID: deref(is.PrincipalID), ARN: deref(is.ARN), AccountID: deref(is.AccountID), UserName: deref(is.UserName)}
			}
			if w := c.WebIDFederationData; w != nil {
				sc.WebIDFederationData = &vigil.WebIDFederationData{FederatedProvider: deref(w.FederatedProvider), Attributes: w.Attributes}
			}
			u.SessionContext = sc
		}
	}
	if len(r.Resources) > 0 {
		e.Resources = make([]vigil.Resource, len(r.Resources))
		for i, res := range r.Resources {
			e.Resources[i] = vigil.Resource{ARN: deref(res.ARN), AccountID: deref(res.AccountID), Type: deref(res.Type)}
		}
	}
	if a := r.Addendum; a != nil {
		e.Addendum = &vigil.Addendum{Reason: deref(a.Reason), UpdatedFields: deref(a.UpdatedFields), OriginalRequestID: deref(a.OriginalRequestID), OriginalEventID: deref(a.OriginalEventID)}
	}
	if t := r.TLSDetails; t != nil {
		e.TLSDetails = &vigil.TLSDetails{TLSVersion: deref(t.TLSVersion), CipherSuite: deref(t.CipherSuite), ClientProvidedHostHeader: deref(t.ClientProvidedHostHeader)}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// CloudTrailAccounts returns the accounts that have cloudtrail partitions
// in the lake, sorted: the organization as far as the lake knows it.
func CloudTrailAccounts(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, TableCloudTrail))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if a, ok := strings.CutPrefix(e.Name(), "account="); ok && e.IsDir() {
			out = append(out, a)
		}
	}
	return out, nil
}

// The columnar decoder. parquet-go's GenericReader reconstructs each row
// from a []parquet.Value, about 70 allocations per event (~100k events/s
// on two cores). Reading the columns' pages directly is an order of
// magnitude faster: a page's strings are sliced out of one copy of the
// page's bytes, a dictionary-encoded column's out of one copy of its
// dictionary, so a string costs no allocation at all. Files whose
// columns are not the strings this decoder expects (a future schema, a
// foreign writer) are read with GenericReader and ctRow.toEvent instead.

// column maps a leaf column of a cloudtrail file to an event field.
type column struct {
	path   string
	index  int   // column chunk index
	maxDef int   // definition level of a present value
	maxRep int   // repetition levels (0: one value per row)
	repDef int   // repeated columns: the level at which an element exists
	ensure []anc // structs to create from a definition level on
	set    func(d *rowDecoder, e *vigil.Event, k int, v string)
	plain  int // 1 + the index of a plain field (plainField), 0 for others
}

// plainColumns are the columns whose field is a string of the event or of
// its userIdentity, not behind a pointer nor repeated: decodePage stores
// them without a setter call (the bulk of a row's values).
var plainColumns = []string{
	"eventversion", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent",
	"errorcode", "errormessage", "requestparameters", "responseelements", "additionaleventdata", "requestid",
	"eventid", "readonly", "eventtype", "apiversion", "recipientaccountid", "sharedeventid", "vpcendpointid",
	"eventcategory", "sessioncredentialfromconsole", "vigil_managementevent",
	"useridentity.type", "useridentity.principalid", "useridentity.arn", "useridentity.accountid",
	"useridentity.invokedby", "useridentity.accesskeyid", "useridentity.username",
}

// plainField returns the field of plainColumns[i].
func plainField(e *vigil.Event, i int) *string {
	switch i {
	case 0:
		return &e.EventVersion
	case 1:
		return &e.EventTime
	case 2:
		return &e.EventSource
	case 3:
		return &e.EventName
	case 4:
		return &e.AWSRegion
	case 5:
		return &e.SourceIPAddress
	case 6:
		return &e.UserAgent
	case 7:
		return &e.ErrorCode
	case 8:
		return &e.ErrorMessage
	case 9:
		return &e.RequestParameters
	case 10:
		return &e.ResponseElements
	case 11:
		return &e.AdditionalEventData
	case 12:
		return &e.RequestID
	case 13:
		return &e.EventID
	case 14:
		return &e.ReadOnly
	case 15:
		return &e.EventType
	case 16:
		return &e.APIVersion
	case 17:
		return &e.RecipientAccountID
	case 18:
		return &e.SharedEventID
	case 19:
		return &e.VPCEndpointID
	case 20:
		return &e.EventCategory
	case 21:
		return &e.SessionCredentialFromConsole
	case 22:
		return &e.ManagementEvent
	case 23:
		return &e.UserIdentity.Type
	case 24:
		return &e.UserIdentity.PrincipalID
	case 25:
		return &e.UserIdentity.ARN
	case 26:
		return &e.UserIdentity.AccountID
	case 27:
		return &e.UserIdentity.InvokedBy
	case 28:
		return &e.UserIdentity.AccessKeyID
	case 29:
		return &e.UserIdentity.UserName
	}
	panic("plainField: no field")
}

// anc is a struct of the event that exists once a value's definition
// level reaches level.
type anc struct {
	level int
	make  func(d *rowDecoder, e *vigil.Event)
}

// rowDecoder builds the events of one row group. Structs behind pointers
// come from slabs, a few allocations per row group instead of one per event.
type rowDecoder struct {
	contexts  []vigil.SessionContext
	issuers   []vigil.SessionIssuer
	webIDs    []vigil.WebIDFederationData
	addenda   []vigil.Addendum
	tls       []vigil.TLSDetails
	resources []vigil.Resource
	keys      map[*vigil.Event][]string // map keys of a row, until its values come
}

func slab[T any](s *[]T) *T {
	if len(*s) == cap(*s) {
		*s = make([]T, 0, 256)
	}
	*s = append(*s, *new(T))
	return &(*s)[len(*s)-1]
}

func sessionContext(d *rowDecoder, e *vigil.Event) *vigil.SessionContext {
	if e.UserIdentity.SessionContext == nil {
		e.UserIdentity.SessionContext = slab(&d.contexts)
	}
	return e.UserIdentity.SessionContext
}

func sessionIssuer(d *rowDecoder, e *vigil.Event) *vigil.SessionIssuer {
	sc := sessionContext(d, e)
	if sc.SessionIssuer == nil {
		sc.SessionIssuer = slab(&d.issuers)
	}
	return sc.SessionIssuer
}

func webID(d *rowDecoder, e *vigil.Event) *vigil.WebIDFederationData {
	sc := sessionContext(d, e)
	if sc.WebIDFederationData == nil {
		sc.WebIDFederationData = slab(&d.webIDs)
	}
	return sc.WebIDFederationData
}

func addendum(d *rowDecoder, e *vigil.Event) *vigil.Addendum {
	if e.Addendum == nil {
		e.Addendum = slab(&d.addenda)
	}
	return e.Addendum
}

func tlsDetails(d *rowDecoder, e *vigil.Event) *vigil.TLSDetails {
	if e.TLSDetails == nil {
		e.TLSDetails = slab(&d.tls)
	}
	return e.TLSDetails
}

// structPaths are the structs behind pointers in vigil.Event.
var structPaths = map[string]func(d *rowDecoder, e *vigil.Event){
	"useridentity.sessioncontext":                     func(d *rowDecoder, e *vigil.Event) { sessionContext(d, e) },
	"useridentity.sessioncontext.sessionissuer":       func(d *rowDecoder, e *vigil.Event) { sessionIssuer(d, e) },
	"useridentity.sessioncontext.webidfederationdata": func(d *rowDecoder, e *vigil.Event) { webID(d, e) },
	"addendum":   func(d *rowDecoder, e *vigil.Event) { addendum(d, e) },
	"tlsdetails": func(d *rowDecoder, e *vigil.Event) { tlsDetails(d, e) },
}

type setter = func(d *rowDecoder, e *vigil.Event, k int, v string)

func field(f func(e *vigil.Event) *string) setter {
	return func(_ *rowDecoder, e *vigil.Event, _ int, v string) { *f(e) = v }
}

// leafSetters put a present value of each known leaf column into an event;
// k is the element's position in its row for repeated columns.
var leafSetters = map[string]setter{
	"eventversion":                 field(func(e *vigil.Event) *string { return &e.EventVersion }),
	"eventtime":                    field(func(e *vigil.Event) *string { return &e.EventTime }),
	"eventsource":                  field(func(e *vigil.Event) *string { return &e.EventSource }),
	"eventname":                    field(func(e *vigil.Event) *string { return &e.EventName }),
	"awsregion":                    field(func(e *vigil.Event) *string { return &e.AWSRegion }),
	"sourceipaddress":              field(func(e *vigil.Event) *string { return &e.SourceIPAddress }),
	"useragent":                    field(func(e *vigil.Event) *string { return &e.UserAgent }),
	"errorcode":                    field(func(e *vigil.Event) *string { return &e.ErrorCode }),
	"errormessage":                 field(func(e *vigil.Event) *string { return &e.ErrorMessage }),
	"requestparameters":            field(func(e *vigil.Event) *string { return &e.RequestParameters }),
	"responseelements":             field(func(e *vigil.Event) *string { return &e.ResponseElements }),
	"additionaleventdata":          field(func(e *vigil.Event) *string { return &e.AdditionalEventData }),
	"requestid":                    field(func(e *vigil.Event) *string { return &e.RequestID }),
	"eventid":                      field(func(e *vigil.Event) *string { return &e.EventID }),
	"readonly":                     field(func(e *vigil.Event) *string { return &e.ReadOnly }),
	"eventtype":                    field(func(e *vigil.Event) *string { return &e.EventType }),
	"apiversion":                   field(func(e *vigil.Event) *string { return &e.APIVersion }),
	"recipientaccountid":           field(func(e *vigil.Event) *string { return &e.RecipientAccountID }),
	"serviceeventdetails":          field(func(e *vigil.Event) *string { return &e.ServiceEventDetails }),
	"sharedeventid":                field(func(e *vigil.Event) *string { return &e.SharedEventID }),
	"vpcendpointid":                field(func(e *vigil.Event) *string { return &e.VPCEndpointID }),
	"vpcendpointaccountid":         field(func(e *vigil.Event) *string { return &e.VPCEndpointAccountID }),
	"eventcategory":                field(func(e *vigil.Event) *string { return &e.EventCategory }),
	"sessioncredentialfromconsole": field(func(e *vigil.Event) *string { return &e.SessionCredentialFromConsole }),
	"edgedevicedetails":            field(func(e *vigil.Event) *string { return &e.EdgeDeviceDetails }),
	"vigil_managementevent":        field(func(e *vigil.Event) *string { return &e.ManagementEvent }),
	"vigil_insightdetails":         field(func(e *vigil.Event) *string { return &e.InsightDetails }),
	"vigil_extra":                  field(func(e *vigil.Event) *string { return &e.Extra }),

	"useridentity.type":        field(func(e *vigil.Event) *string { return &e.UserIdentity.Type }),
	"useridentity.principalid": field(func(e *vigil.Event) *string { return &e.UserIdentity.PrincipalID }),
	"useridentity.arn":         field(func(e *vigil.Event) *string { return &e.UserIdentity.ARN }),
	"useridentity.accountid":   field(func(e *vigil.Event) *string { return &e.UserIdentity.AccountID }),
	"useridentity.invokedby":   field(func(e *vigil.Event) *string { return &e.UserIdentity.InvokedBy }),
	"useridentity.accesskeyid": field(func(e *vigil.Event) *string { return &e.UserIdentity.AccessKeyID }),
	"useridentity.username":    field(func(e *vigil.Event) *string { return &e.UserIdentity.UserName }),

	"useridentity.onbehalfof.userid":           field(func(e *vigil.Event) *string { return &e.UserIdentity.OnBehalfOfUser }),
	"useridentity.onbehalfof.identitystorearn": field(func(e *vigil.Event) *string { return &e.UserIdentity.IdentityStore }),

	"useridentity.sessioncontext.attributes.mfaauthenticated": func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionContext(d, e).MFAAuthenticated = v },
	"useridentity.sessioncontext.attributes.creationdate":     func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionContext(d, e).CreationDate = v },
	"useridentity.sessioncontext.ec2roledelivery":             func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionContext(d, e).EC2RoleDelivery = v },
	"useridentity.sessioncontext.sourceidentity":              func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionContext(d, e).SourceIdentity = v },
	"useridentity.sessioncontext.sessionissuer.type":          func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionIssuer(d, e).Type = v },
	"useridentity.sessioncontext.sessionissuer.principalid":   func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionIssuer(d, e).PrincipalID = v },
	"useridentity.sessioncontext.sessionissuer.arn":           func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionIssuer(d, e).ARN = v },
	"useridentity.sessioncontext.sessionissuer.accountid":     func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionIssuer(d, e).AccountID = v },
	"useridentity.sessioncontext.sessionissuer.username":      func(d *rowDecoder, e *vigil.Event, _ int, v string) { sessionIssuer(d, e).UserName = v },
	"useridentity.sessioncontext.webidfederationdata.federatedprovider": func(d *rowDecoder, e *vigil.Event, _ int, v string) {
		webID(d, e).FederatedProvider = v
	},
	"useridentity.sessioncontext.webidfederationdata.attributes.key_value.key": func(d *rowDecoder, e *vigil.Event, _ int, v string) {
		d.keys[e] = append(d.keys[e], v)
	},
	"useridentity.sessioncontext.webidfederationdata.attributes.key_value.value": func(d *rowDecoder, e *vigil.Event, k int, v string) {
		w := webID(d, e)
		if keys := d.keys[e]; k < len(keys) {
			if w.Attributes == nil {
				w.Attributes = map[string]string{}
			}
			w.Attributes[keys[k]] = v
		}
	},

	"resources.list.element.arn":       func(d *rowDecoder, e *vigil.Event, k int, v string) { resource(d, e, k).ARN = v },
	"resources.list.element.accountid": func(d *rowDecoder, e *vigil.Event, k int, v string) { resource(d, e, k).AccountID = v },
	"resources.list.element.type":      func(d *rowDecoder, e *vigil.Event, k int, v string) { resource(d, e, k).Type = v },

	"addendum.reason":            func(d *rowDecoder, e *vigil.Event, _ int, v string) { addendum(d, e).Reason = v },
	"addendum.updatedfields":     func(d *rowDecoder, e *vigil.Event, _ int, v string) { addendum(d, e).UpdatedFields = v },
	"addendum.originalrequestid": func(d *rowDecoder, e *vigil.Event, _ int, v string) { addendum(d, e).OriginalRequestID = v },
	"addendum.originaleventid":   func(d *rowDecoder, e *vigil.Event, _ int, v string) { addendum(d, e).OriginalEventID = v },

	"tlsdetails.tlsversion":               func(d *rowDecoder, e *vigil.Event, _ int, v string) { tlsDetails(d, e).TLSVersion = v },
	"tlsdetails.ciphersuite":              func(d *rowDecoder, e *vigil.Event, _ int, v string) { tlsDetails(d, e).CipherSuite = v },
	"tlsdetails.clientprovidedhostheader": func(d *rowDecoder, e *vigil.Event, _ int, v string) { tlsDetails(d, e).ClientProvidedHostHeader = v },
}

// resource returns the k-th resource of e, creating it: the first
// elements of a row come from a slab (4 reserved per row), more grow the
// list as append does.
func resource(d *rowDecoder, e *vigil.Event, k int) *vigil.Resource {
	for len(e.Resources) <= k {
		if e.Resources == nil {
			if cap(d.resources)-len(d.resources) < 4 {
				d.resources = make([]vigil.Resource, 0, 1024)
			}
			n := len(d.resources)
			d.resources = d.resources[:n+4]
			e.Resources = d.resources[n : n : n+4]
		}
		e.Resources = append(e.Resources, vigil.Resource{})
	}
	return &e.Resources[k]
}

// columnsOf maps the file schema's leaf columns to event fields, those
// keep accepts (nil: all). ok is false when a known column is not a string
// column: the caller then falls back to the generic reader.
func columnsOf(schema *parquet.Schema, keep func(string) bool) (cols []column, ok bool) {
	for i, path := range schema.Columns() {
		name := strings.Join(path, ".")
		set, known := leafSetters[name]
		if !known {
			continue
		}
		if keep != nil && !keep(name) {
			leaf, found := schema.Lookup(path...)
			if !found || leaf.Node.Type().Kind() != parquet.ByteArray {
				return nil, false
			}
			continue
		}
		leaf, found := schema.Lookup(path...)
		if !found || leaf.Node.Type().Kind() != parquet.ByteArray {
			return nil, false
		}
		c := column{path: name, index: i, maxDef: leaf.MaxDefinitionLevel, maxRep: leaf.MaxRepetitionLevel, set: set}
		if k := slices.Index(plainColumns, name); k >= 0 && c.maxRep == 0 {
			c.plain = k + 1
		}
		node := parquet.Node(schema)
		level := 0
		for k, p := range path[:len(path)-1] {
			child := fieldNamed(node, p)
			if child == nil {
				return nil, false
			}
			node = child
			if node.Optional() || node.Repeated() {
				level++
			}
			if node.Repeated() {
				c.repDef = level
			}
			if mk, ok := structPaths[strings.Join(path[:k+1], ".")]; ok {
				c.ensure = append(c.ensure, anc{level: level, make: mk})
			}
		}
		if c.maxRep > 1 {
			return nil, false
		}
		cols = append(cols, c)
	}
	return cols, true
}

func fieldNamed(n parquet.Node, name string) parquet.Node {
	for _, f := range n.Fields() {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// pageStrings returns the page's values as strings sliced from one copy.
type pageStrings struct {
	s       string
	offsets []uint32
	idx     []int32 // dictionary indexes, when dictionary-encoded
}

func (p *pageStrings) at(k int) string {
	if p.idx != nil {
		i := p.idx[k]
		return p.s[p.offsets[i]:p.offsets[i+1]]
	}
	return p.s[p.offsets[k]:p.offsets[k+1]]
}

// dictCache keeps each dictionary's string copy for the column chunk.
type dictCache struct {
	dict    parquet.Dictionary
	s       string
	offsets []uint32
}

func stringsOf(page parquet.Page, dc *dictCache) (pageStrings, error) {
	data := page.Data()
	if dict := page.Dictionary(); dict != nil {
		if dc.dict != dict {
			dv := dict.Page().Data()
			if dv.Kind() != encoding.ByteArray {
				return pageStrings{}, errors.New("dictionary of a string column holds no strings")
			}
			vals, offs := dv.ByteArray()
			dc.dict, dc.s, dc.offsets = dict, string(vals), slices.Clone(offs)
		}
		if data.Kind() != encoding.Int32 {
			return pageStrings{}, errors.New("dictionary-encoded page without indexes")
		}
		idx := data.Int32()
		for _, i := range idx {
			if i < 0 || int(i)+1 >= len(dc.offsets) {
				return pageStrings{}, errors.New("dictionary index out of range")
			}
		}
		return pageStrings{s: dc.s, offsets: dc.offsets, idx: idx}, nil
	}
	if data.Kind() != encoding.ByteArray {
		return pageStrings{}, errors.New("string column holds no strings")
	}
	vals, offs := data.ByteArray()
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] || int(offs[i]) > len(vals) {
			return pageStrings{}, errors.New("bad string offsets")
		}
	}
	return pageStrings{s: string(vals), offsets: offs}, nil
}

// decodeColumn fills the column's field of events from its pages.
func decodeColumn(d *rowDecoder, events []vigil.Event, c *column, cc parquet.ColumnChunk) error {
	pages := cc.Pages()
	defer pages.Close()
	cur := cursor{row: -1, resources: strings.HasPrefix(c.path, "resources.")}
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("column %s: %w", c.path, err)
		}
		err = c.decodePage(d, events, page, &cur)
		parquet.Release(page) // back to parquet-go's pool: the events hold copies only
		if err != nil {
			return fmt.Errorf("column %s: %w", c.path, err)
		}
	}
}

// cursor is where a column's decoding stands between pages.
type cursor struct {
	base      int // row of the page's first value (columns that do not repeat)
	row       int // current row of a repeated column (advanced by repetition level 0)
	k         int // the element's position in its row
	resources bool
	dict      dictCache
}

// decodePage decodes one page of the column.
func (c *column) decodePage(d *rowDecoder, events []vigil.Event, page parquet.Page, cur *cursor) error {
	ps, err := stringsOf(page, &cur.dict)
	if err != nil {
		return err
	}
	defs, reps := page.DefinitionLevels(), page.RepetitionLevels()
	n := int(page.NumValues())
	if (len(defs) != 0 && len(defs) != n) || (c.maxRep > 0 && len(reps) != n) {
		return errors.New("levels do not match values")
	}
	values := len(ps.offsets) - 1
	if ps.idx != nil {
		values = len(ps.idx)
	}
	present := 0
	if c.plain > 0 && len(c.ensure) == 0 { // the common case, without calls
		if cur.base+n > len(events) {
			return errors.New("more values than rows")
		}
		for i := range n {
			if len(defs) > 0 && int(defs[i]) != c.maxDef {
				continue
			}
			if present >= values {
				return errors.New("fewer values than levels")
			}
			*plainField(&events[cur.base+i], c.plain-1) = ps.at(present)
			present++
		}
		cur.base += n
		return nil
	}
	for i := range n {
		def := c.maxDef
		if len(defs) > 0 {
			def = int(defs[i])
		}
		r := cur.base + i
		if c.maxRep > 0 {
			if reps[i] == 0 {
				cur.row++
				cur.k = 0
			}
			r = cur.row
		}
		if r < 0 || r >= len(events) {
			return errors.New("more values than rows")
		}
		e := &events[r]
		for _, a := range c.ensure {
			if def >= a.level {
				a.make(d, e)
			}
		}
		element := c.maxRep > 0 && def >= c.repDef
		if element && cur.resources {
			resource(d, e, cur.k)
		}
		if def == c.maxDef {
			if present >= values {
				return errors.New("fewer values than levels")
			}
			c.set(d, e, cur.k, ps.at(present))
			present++
		}
		if element {
			cur.k++
		}
	}
	cur.base += n
	return nil
}
