package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// ScanFlowLogs reads the records of the lake's flowlogs partitions whose
// date lies in [since, until] (YYYY-MM-DD, inclusive; "" leaves that end
// open) and calls fn for each, serially (unless Concurrently), in
// partition order (date, account, region, file) and file order within a
// file. Row groups are decoded in
// parallel, GOMAXPROCS at a time, while fn runs. fn must not retain r
// after it returns (the record is reused); its strings are slices of
// page-sized buffers, so strings.Clone what is kept for long. An error
// from fn, or a damaged file, stops the scan and is returned.
//
// Options: Concurrently (Columns is for CloudTrail scans).
func ScanFlowLogs(ctx context.Context, dir, since, until string, fn func(r *vigil.FlowRecord, p vigil.Partition) error, opts ...ScanOption) error {
	var cfg scanConfig
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return err
		}
	}
	if cfg.keep != nil {
		return errors.New("scan: Columns limits CloudTrail scans, not flow logs")
	}
	files, err := partitionFiles(filepath.Join(dir, TableFlowLogs), since, until)
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	free := make(chan *flowBatch, 4*workers)
	var serial vigil.FlowRecord // the record of a serial scan
	return scanRowGroups(ctx, files, workers, cfg.concurrent,
		func(ctx context.Context, pf partitionFile, rg parquet.RowGroup, send func(*flowBatch) error) error {
			return decodeFlows(ctx, pf, rg, free, send)
		},
		func(b *flowBatch, p vigil.Partition) error {
			rec := &serial
			if cfg.concurrent {
				rec = new(vigil.FlowRecord)
			}
			defer func() {
				b.clear()
				select {
				case free <- b:
				default:
				}
			}()
			if b.generic {
				for i := range b.rows {
					b.rows[i].toFlow(rec, p.Region)
					if err := fn(rec, p); err != nil {
						return err
					}
				}
				return nil
			}
			for i := range b.n {
				for m := rec.Present; m != 0; m &= m - 1 {
					f := bits.TrailingZeros64(m)
					rec.Str[f], rec.Int[f] = "", 0
				}
				rec.Present = 0
				for c := range b.cols {
					v := &b.vals[c]
					if !v.present[i] {
						continue
					}
					if v.ints != nil {
						rec.SetInt(b.cols[c].field, v.ints[i])
					} else {
						rec.SetStr(b.cols[c].field, v.strs[i])
					}
				}
				if rec.Has(vigil.FlowVersion) && rec.Int[vigil.FlowVersion] >= 4 && p.Region != "" {
					rec.SetStr(vigil.FlowRegion, p.Region)
				}
				if err := fn(rec, p); err != nil {
					return err
				}
			}
			return nil
		})
}

// The columnar flow decoder: as for CloudTrail (see column), a flow-log
// file's columns are read page by page into per-column arrays, strings
// sliced out of one copy of each page or dictionary; every column is a
// top-level optional int32, int64 or string. Files with other column
// types are read with GenericReader and flowRow.toFlow.

// flowColumn maps a leaf column of a flowlogs file to a record field.
type flowColumn struct {
	field vigil.FlowField
	index int // column chunk index
	kind  parquet.Kind
}

// flowVals holds one column's values for a row group.
type flowVals struct {
	ints    []int64 // numeric columns
	strs    []string
	present []bool
}

// flowBatch is one row group's records, by column.
type flowBatch struct {
	n    int
	cols []flowColumn
	vals []flowVals
	// generic: read by the generic reader, into rows.
	generic bool
	rows    []flowRow
}

func (b *flowBatch) clear() {
	for i := range b.vals {
		clear(b.vals[i].strs)
	}
	clear(b.rows)
	b.rows = b.rows[:0]
}

// flowColumnFields maps Athena column names to record fields. The region
// field is the partition's, not a column.
var flowColumnFields = func() map[string]vigil.FlowField {
	m := map[string]vigil.FlowField{}
	for f := range vigil.NumFlowFields {
		if f != vigil.FlowRegion {
			m[strings.ReplaceAll(vigil.FlowFieldNames[f], "-", "_")] = f
		}
	}
	return m
}()

// flowColumnsOf maps the file schema's columns to record fields; ok is
// false when one is not of the shape the columnar decoder reads.
func flowColumnsOf(schema *parquet.Schema) (cols []flowColumn, ok bool) {
	for i, path := range schema.Columns() {
		if len(path) != 1 {
			return nil, false
		}
		f, known := flowColumnFields[path[0]]
		if !known {
			continue
		}
		leaf, found := schema.Lookup(path...)
		if !found || leaf.MaxRepetitionLevel != 0 || leaf.MaxDefinitionLevel > 1 {
			return nil, false
		}
		k := leaf.Node.Type().Kind()
		numeric := vigil.FlowNumeric(f)
		if numeric && k != parquet.Int32 && k != parquet.Int64 || !numeric && k != parquet.ByteArray {
			return nil, false
		}
		cols = append(cols, flowColumn{field: f, index: i, kind: k})
	}
	return cols, true
}

func decodeFlows(ctx context.Context, pf partitionFile, rg parquet.RowGroup, free chan *flowBatch, send func(*flowBatch) error) error {
	var b *flowBatch
	select {
	case b = <-free:
	default:
		b = &flowBatch{}
	}
	cols, ok := flowColumnsOf(rg.Schema())
	if !ok {
		return decodeFlowRows(ctx, pf, rg, b, send)
	}
	n := rg.NumRows()
	if n > 1<<24 {
		return fmt.Errorf("read %s: %w: row group of %d rows", pf.path, vigil.ErrMalformedInput, n)
	}
	b.n, b.cols, b.generic = int(n), cols, false
	if cap(b.vals) < len(cols) {
		b.vals = make([]flowVals, len(cols))
	}
	b.vals = b.vals[:len(cols)]
	chunks := rg.ColumnChunks()
	for i, c := range cols {
		v := &b.vals[i]
		v.present = resize(v.present, b.n)
		if c.kind == parquet.ByteArray {
			v.strs, v.ints = resize(v.strs, b.n), nil
		} else {
			v.ints, v.strs = resize(v.ints, b.n), nil
		}
		if err := decodeFlowColumn(v, chunks[c.index]); err != nil {
			return fmt.Errorf("read %s: %w: column %s: %w", pf.path, vigil.ErrMalformedInput, vigil.FlowFieldNames[c.field], err)
		}
	}
	return send(b)
}

// resize returns s with length n, zeroed, reusing its array when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func decodeFlowColumn(v *flowVals, cc parquet.ColumnChunk) error {
	pages := cc.Pages()
	defer pages.Close()
	var dict dictCache
	base := 0
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		err = decodeFlowPage(v, page, &base, &dict)
		parquet.Release(page)
		if err != nil {
			return err
		}
	}
}

func decodeFlowPage(v *flowVals, page parquet.Page, base *int, dict *dictCache) error {
	n := int(page.NumValues())
	if *base+n > len(v.present) {
		return errors.New("more values than rows")
	}
	defs := page.DefinitionLevels()
	if len(defs) != 0 && len(defs) != n {
		return errors.New("levels do not match values")
	}
	var at func(k int, row int) // stores the k-th present value in row
	values := 0
	if v.strs != nil {
		ps, err := stringsOf(page, dict)
		if err != nil {
			return err
		}
		values = len(ps.offsets) - 1
		if ps.idx != nil {
			values = len(ps.idx)
		}
		at = func(k, row int) { v.strs[row] = ps.at(k) }
	} else {
		ints, err := intsOf(page)
		if err != nil {
			return err
		}
		values = ints.len()
		at = func(k, row int) { v.ints[row] = ints.at(k) }
	}
	present := 0
	for i := range n {
		if len(defs) > 0 && defs[i] == 0 {
			continue
		}
		if present >= values {
			return errors.New("fewer values than levels")
		}
		at(present, *base+i)
		v.present[*base+i] = true
		present++
	}
	*base += n
	return nil
}

// pageInts reads an integer page's values, plain or dictionary-encoded.
type pageInts struct {
	i32, dict32 []int32
	i64, dict64 []int64
	idx         []int32
}

func (p *pageInts) len() int {
	switch {
	case p.idx != nil:
		return len(p.idx)
	case p.i32 != nil:
		return len(p.i32)
	}
	return len(p.i64)
}

func (p *pageInts) at(k int) int64 {
	switch {
	case p.idx != nil && p.dict32 != nil:
		return int64(p.dict32[p.idx[k]])
	case p.idx != nil:
		return p.dict64[p.idx[k]]
	case p.i32 != nil:
		return int64(p.i32[k])
	}
	return p.i64[k]
}

func intsOf(page parquet.Page) (pageInts, error) {
	data := page.Data()
	if dict := page.Dictionary(); dict != nil {
		var p pageInts
		dv := dict.Page().Data()
		size := 0
		switch dv.Kind() {
		case encoding.Int32:
			p.dict32 = dv.Int32()
			size = len(p.dict32)
		case encoding.Int64:
			p.dict64 = dv.Int64()
			size = len(p.dict64)
		default:
			return pageInts{}, errors.New("dictionary of an integer column holds no integers")
		}
		if data.Kind() != encoding.Int32 {
			return pageInts{}, errors.New("dictionary-encoded page without indexes")
		}
		p.idx = data.Int32()
		for _, i := range p.idx {
			if i < 0 || int(i) >= size {
				return pageInts{}, errors.New("dictionary index out of range")
			}
		}
		return p, nil
	}
	switch data.Kind() {
	case encoding.Int32:
		return pageInts{i32: data.Int32()}, nil
	case encoding.Int64:
		return pageInts{i64: data.Int64()}, nil
	}
	return pageInts{}, errors.New("integer column holds no integers")
}

// decodeFlowRows reads a row group with parquet-go's generic reader.
func decodeFlowRows(ctx context.Context, pf partitionFile, rg parquet.RowGroup, b *flowBatch, send func(*flowBatch) error) error {
	r := parquet.NewGenericRowGroupReader[flowRow](rg)
	defer r.Close()
	b.n, b.cols, b.vals, b.generic = 0, nil, b.vals[:0], true
	b.rows = resize(b.rows, int(min(rg.NumRows(), 1<<24)))
	read := 0
	for read < len(b.rows) {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(b.rows[read:])
		read += n
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", pf.path, err)
		}
	}
	b.rows = b.rows[:read]
	return send(b)
}

// toFlow is the inverse of flowArena.row. The region field, not a column,
// is the partition's when the record's version has it (v4 and later).
func (w *flowRow) toFlow(r *vigil.FlowRecord, region string) {
	r.Reset()
	s := func(f vigil.FlowField, p *string) {
		if p != nil {
			r.SetStr(f, *p)
		}
	}
	i64 := func(f vigil.FlowField, p *int64) {
		if p != nil {
			r.SetInt(f, *p)
		}
	}
	i32 := func(f vigil.FlowField, p *int32) {
		if p != nil {
			r.SetInt(f, int64(*p))
		}
	}
	i32(vigil.FlowVersion, w.Version)
	s(vigil.FlowAccountID, w.AccountID)
	s(vigil.FlowInterfaceID, w.InterfaceID)
	s(vigil.FlowSrcAddr, w.SrcAddr)
	s(vigil.FlowDstAddr, w.DstAddr)
	i32(vigil.FlowSrcPort, w.SrcPort)
	i32(vigil.FlowDstPort, w.DstPort)
	i64(vigil.FlowProtocol, w.Protocol)
	i64(vigil.FlowPackets, w.Packets)
	i64(vigil.FlowBytes, w.Bytes)
	i64(vigil.FlowStart, w.Start)
	i64(vigil.FlowEnd, w.End)
	s(vigil.FlowAction, w.Action)
	s(vigil.FlowLogStatus, w.LogStatus)
	s(vigil.FlowVPCID, w.VPCID)
	s(vigil.FlowSubnetID, w.SubnetID)
	s(vigil.FlowInstanceID, w.InstanceID)
	i32(vigil.FlowTCPFlags, w.TCPFlags)
	s(vigil.FlowType, w.Type)
	s(vigil.FlowPktSrcAddr, w.PktSrcAddr)
	s(vigil.FlowPktDstAddr, w.PktDstAddr)
	if w.Version != nil && *w.Version >= 4 && region != "" {
		r.SetStr(vigil.FlowRegion, region)
	}
	s(vigil.FlowAZID, w.AZID)
	s(vigil.FlowSublocationType, w.SublocationType)
	s(vigil.FlowSublocationID, w.SublocationID)
	s(vigil.FlowPktSrcAWSService, w.PktSrcAWSService)
	s(vigil.FlowPktDstAWSService, w.PktDstAWSService)
	s(vigil.FlowFlowDirection, w.FlowDirection)
	i32(vigil.FlowTrafficPath, w.TrafficPath)
	s(vigil.FlowECSClusterARN, w.ECSClusterARN)
	s(vigil.FlowECSClusterName, w.ECSClusterName)
	s(vigil.FlowECSContainerInstanceARN, w.ECSContainerInstanceARN)
	s(vigil.FlowECSContainerInstanceID, w.ECSContainerInstanceID)
	s(vigil.FlowECSContainerID, w.ECSContainerID)
	s(vigil.FlowECSSecondContainerID, w.ECSSecondContainerID)
	s(vigil.FlowECSServiceName, w.ECSServiceName)
	s(vigil.FlowECSTaskDefinitionARN, w.ECSTaskDefinitionARN)
	s(vigil.FlowECSTaskARN, w.ECSTaskARN)
	s(vigil.FlowECSTaskID, w.ECSTaskID)
	s(vigil.FlowRejectReason, w.RejectReason)
	s(vigil.FlowResourceType, w.ResourceType)
	s(vigil.FlowTGWID, w.TGWID)
	s(vigil.FlowTGWAttachmentID, w.TGWAttachmentID)
	s(vigil.FlowTGWSrcVPCAccountID, w.TGWSrcVPCAccountID)
	s(vigil.FlowTGWDstVPCAccountID, w.TGWDstVPCAccountID)
	s(vigil.FlowTGWSrcVPCID, w.TGWSrcVPCID)
	s(vigil.FlowTGWDstVPCID, w.TGWDstVPCID)
	s(vigil.FlowTGWSrcSubnetID, w.TGWSrcSubnetID)
	s(vigil.FlowTGWDstSubnetID, w.TGWDstSubnetID)
	s(vigil.FlowTGWSrcENI, w.TGWSrcENI)
	s(vigil.FlowTGWDstENI, w.TGWDstENI)
	s(vigil.FlowTGWSrcAZID, w.TGWSrcAZID)
	s(vigil.FlowTGWDstAZID, w.TGWDstAZID)
	s(vigil.FlowTGWPairAttachmentID, w.TGWPairAttachmentID)
	i64(vigil.FlowPacketsLostNoRoute, w.PacketsLostNoRoute)
	i64(vigil.FlowPacketsLostBlackhole, w.PacketsLostBlackhole)
	i64(vigil.FlowPacketsLostMTUExceeded, w.PacketsLostMTUExceeded)
	i64(vigil.FlowPacketsLostTTLExpired, w.PacketsLostTTLExpired)
}
