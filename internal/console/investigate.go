package console

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// investigateLimit is how many records of each source a timeline shows.
const investigateLimit = 200

// investigateDays is the default window of a timeline, ending today.
const investigateDays = 7

// Kinds of things to investigate.
const (
	kindIP        = "IP address"
	kindAccessKey = "access key"
	kindARN       = "ARN"
	kindResource  = "resource id or name"
)

var (
	accessKeyID = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{12,124}$`)
	// iamRole is a role's ARN; its sessions act as assumed-role ARNs.
	iamRole = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/`)
	// principalARN is the ARN of an identity that makes calls: a user,
	// root, a role session, a federated user.
	principalARN = regexp.MustCompile(`^arn:aws[a-z-]*:(iam::\d{12}:(user/|root$)|sts::\d{12}:(assumed-role|federated-user)/)`)
)

// termKind says what a search term is.
func termKind(term string) string {
	switch {
	case accessKeyID.MatchString(term):
		return kindAccessKey
	case strings.HasPrefix(term, "arn:"):
		return kindARN
	}
	if _, err := netip.ParseAddr(term); err == nil {
		return kindIP
	}
	return kindResource
}

// timelineEntry is one record of an investigation, whatever its source.
type timelineEntry struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"` // CloudTrail, Flow logs, Finding, Config
	Account  string    `json:"account"`
	Region   string    `json:"region"`
	What     string    `json:"what"`
	Who      string    `json:"who,omitempty"`
	Severity string    `json:"severity,omitempty"` // findings
	Link     string    `json:"link,omitempty"`
}

// investigation is the investigate page's and API's answer.
type investigation struct {
	Term    string          `json:"term"`
	Kind    string          `json:"kind"`
	Since   string          `json:"since"`
	Until   string          `json:"until,omitempty"`
	Counts  map[string]int  `json:"counts"`
	Limited []string        `json:"limited,omitempty"` // sources with more records than shown
	Entries []timelineEntry `json:"entries"`
}

// Summary counts the records shown per source ("CloudTrail: 200+" when
// there were more).
func (inv *investigation) Summary() []string {
	var out []string
	for _, src := range []string{"CloudTrail", "Flow logs", "Config", "Finding"} {
		n, ok := inv.Counts[src]
		if !ok {
			continue
		}
		s := fmt.Sprintf("%s: %d", src, n)
		if slices.Contains(inv.Limited, src) {
			s += "+"
		}
		out = append(out, s)
	}
	return out
}

// investigate builds the timeline of term's activity across CloudTrail,
// flow logs, findings and configuration changes, newest first.
func (s *Server) investigate(ctx context.Context, term, since, until string) (*investigation, error) {
	if since == "" {
		since = s.o.Now().UTC().AddDate(0, 0, -investigateDays).Format(time.DateOnly)
	}
	for _, d := range []string{since, until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return nil, inputError{fmt.Errorf("date %q: want YYYY-MM-DD", d)}
		}
	}
	upto := until
	if upto == "" {
		upto = "9999-12-31"
	}
	inv := &investigation{Term: term, Kind: termKind(term), Since: since, Until: until, Counts: map[string]int{}}
	var parts [4][]timelineEntry
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { parts[0], err = s.cloudTrailTimeline(gctx, inv.Kind, term, since, upto); return })
	g.Go(func() (err error) { parts[1], err = s.flowTimeline(gctx, inv.Kind, term, since, upto); return })
	g.Go(func() (err error) { parts[2], err = s.configTimeline(gctx, inv.Kind, term, since, upto); return })
	g.Go(func() (err error) { parts[3], err = s.findingsTimeline(gctx, term, since, upto); return })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		src := p[0].Source
		inv.Counts[src] = min(len(p), investigateLimit)
		if len(p) > investigateLimit {
			inv.Limited = append(inv.Limited, src)
			p = p[:investigateLimit]
		}
		inv.Entries = append(inv.Entries, p...)
	}
	slices.SortStableFunc(inv.Entries, func(a, b timelineEntry) int { return cmp.Compare(b.Time.UnixNano(), a.Time.UnixNano()) })
	return inv, nil
}

// newestPartitions finds where a timeline's records are, cheaply: it
// counts the records matching cond per partition (reading only the columns
// of cond), then keeps the newest partitions that hold more than
// investigateLimit of them. It returns a condition selecting those
// partitions ("" when nothing matches), so that the timeline query decodes
// its many columns in a few files rather than in all of them.
func (s *Server) newestPartitions(ctx context.Context, table, cond string, args []any, since, until string) (string, error) {
	res, err := s.data.query(ctx, fmt.Sprintf(`SELECT date, account, region, count(*) FROM auditing.%s
		WHERE date BETWEEN ? AND ? AND %s GROUP BY ALL ORDER BY date DESC LIMIT 100000`, table, cond),
		append([]any{since, until}, args...)...)
	if err != nil {
		return "", fmt.Errorf("%s timeline: %w", table, err)
	}
	// Take whole dates, and one date more than enough: a partition's date
	// is the logs' delivery date, so a date may hold records of the day
	// before, older than some of the previous date's.
	var ps []vigil.Partition
	n, enoughAt, extra := 0, "", ""
	for _, r := range res.Rows {
		date := str(r[0])
		if enoughAt != "" && date != enoughAt {
			if extra == "" {
				extra = date
			}
			if date != extra {
				break
			}
		}
		ps = append(ps, vigil.Partition{Date: date, Account: str(r[1]), Region: str(r[2])})
		if n += num(r[3]); enoughAt == "" && n > investigateLimit {
			enoughAt = date
		}
	}
	if len(ps) == 0 {
		return "", nil
	}
	return partitionsCond(ps), nil
}

// newestByDate fetches a timeline's newest records from candidate
// partitions a date at a time, newest first, until it has more than
// investigateLimit, and then the date before (as newestPartitions takes
// whole dates and one more). Each query reads the columns it shows where
// the records are, instead of a counting scan and then a fetching one.
func (s *Server) newestByDate(cands []vigil.Partition, fetch func(parts string) ([][]any, error)) ([][]any, error) {
	byDate := map[string][]vigil.Partition{}
	for _, p := range cands {
		byDate[p.Date] = append(byDate[p.Date], p)
	}
	dates := slices.Sorted(maps.Keys(byDate))
	var rows [][]any
	extra := false
	for i := len(dates) - 1; i >= 0; i-- {
		got, err := fetch(partitionsCond(byDate[dates[i]]))
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		if extra {
			break
		}
		extra = len(rows) > investigateLimit
	}
	slices.SortStableFunc(rows, func(a, b []any) int { return strings.Compare(str(b[0]), str(a[0])) })
	return rows[:min(len(rows), investigateLimit+1)], nil
}

// partitionsCond selects the given partitions.
func partitionsCond(ps []vigil.Partition) string {
	var dates, keys []string
	for _, p := range ps {
		dates = append(dates, sqlString(p.Date))
		keys = append(keys, sqlString(p.Date+"/"+p.Account+"/"+p.Region))
	}
	slices.Sort(dates)
	dates = slices.Compact(dates)
	return fmt.Sprintf("date IN (%s) AND date || '/' || account || '/' || region IN (%s)",
		strings.Join(dates, ", "), strings.Join(keys, ", "))
}

// cloudTrailTimeline returns up to investigateLimit+1 events (one more
// tells that there are more).
func (s *Server) cloudTrailTimeline(ctx context.Context, kind, term, since, until string) ([]timelineEntry, error) {
	var cond string
	var args []any
	var cands []vigil.Partition // the partitions the terms index allows (nil: all)
	var err error
	switch kind {
	case kindIP:
		cond, args = "sourceipaddress = ?", []any{term}
	case kindAccessKey:
		cond, args = "useridentity.accesskeyid = ?", []any{term}
	case kindARN:
		// Each column costs a scan of its own: ask only the one the ARN's
		// shape can be in.
		switch {
		case iamRole.MatchString(term): // the role's sessions
			cond = "useridentity.sessioncontext.sessionissuer.arn = ?"
		case principalARN.MatchString(term):
			cond = "useridentity.arn = ?"
		default: // a resource
			cond = "list_contains(list_transform(resources, lambda x: x.arn), ?)"
			if cands, err = s.terms.Lookup(s.o.Lake, since, until, term); err != nil {
				return nil, fmt.Errorf("cloudtrail timeline: %w", err)
			}
			if len(cands) == 0 {
				return nil, nil
			}
		}
		args = []any{term}
	default:
		cond = "(useridentity.username = ? OR contains(requestparameters, ?) OR contains(responseelements, ?))"
		args = []any{term, jsonQuoted(term), jsonQuoted(term)}
		// The JSON columns are the lake's largest: search only the
		// partitions whose files' terms index may hold the term.
		if cands, err = s.terms.Lookup(s.o.Lake, since, until, term); err != nil {
			return nil, fmt.Errorf("cloudtrail timeline: %w", err)
		}
		if len(cands) == 0 {
			return nil, nil
		}
	}
	fetch := func(parts string) ([][]any, error) {
		res, err := s.data.query(ctx, fmt.Sprintf(`SELECT eventtime, account, region, eventname, eventsource,
				coalesce(useridentity.arn, useridentity.type), sourceipaddress, errorcode, eventid, date
			FROM auditing.cloudtrail WHERE %s AND %s
			ORDER BY eventtime DESC LIMIT %d`, parts, cond, investigateLimit+1), args...)
		if err != nil {
			return nil, fmt.Errorf("cloudtrail timeline: %w", err)
		}
		return res.Rows, nil
	}
	var rows [][]any
	if cands == nil {
		parts, err := s.newestPartitions(ctx, "cloudtrail", cond, args, since, until)
		if err != nil || parts == "" {
			return nil, err
		}
		if rows, err = fetch(parts); err != nil {
			return nil, err
		}
	} else if rows, err = s.newestByDate(cands, fetch); err != nil {
		return nil, err
	}
	out := make([]timelineEntry, 0, len(rows))
	for _, r := range rows {
		t, _ := time.Parse(time.RFC3339Nano, str(r[0]))
		what := str(r[3]) + " (" + strings.TrimSuffix(str(r[4]), ".amazonaws.com") + ")"
		if e := str(r[7]); e != "" {
			what += " — " + e
		}
		who := str(r[5])
		if ip := str(r[6]); ip != "" {
			who += " from " + ip
		}
		q := fmt.Sprintf("SELECT * FROM auditing.cloudtrail WHERE date = %s AND eventid = %s", sqlString(str(r[9])), sqlString(str(r[8])))
		out = append(out, timelineEntry{Time: t, Source: "CloudTrail", Account: str(r[1]), Region: str(r[2]), What: what, Who: who,
			Link: "/sql?sql=" + url.QueryEscape(q)})
	}
	return out, nil
}

func (s *Server) flowTimeline(ctx context.Context, kind, term, since, until string) ([]timelineEntry, error) {
	var cond string
	var args []any
	switch kind {
	case kindIP:
		cond, args = "(srcaddr = ? OR dstaddr = ?)", []any{term, term}
	case kindResource:
		cond, args = "(interface_id = ? OR instance_id = ?)", []any{term, term}
	default:
		return nil, nil
	}
	parts, err := s.newestPartitions(ctx, "flowlogs", cond, args, since, until)
	if err != nil || parts == "" {
		return nil, err
	}
	res, err := s.data.query(ctx, fmt.Sprintf(`SELECT start, account, region, srcaddr, srcport, dstaddr, dstport, protocol,
			action, bytes, interface_id
		FROM auditing.flowlogs WHERE %s AND %s
		ORDER BY start DESC LIMIT %d`, parts, cond, investigateLimit+1), args...)
	if err != nil {
		return nil, fmt.Errorf("flow-log timeline: %w", err)
	}
	out := make([]timelineEntry, 0, len(res.Rows))
	for _, r := range res.Rows {
		start, _ := r[0].(int64)
		out = append(out, timelineEntry{Time: time.Unix(start, 0).UTC(), Source: "Flow logs", Account: str(r[1]), Region: str(r[2]),
			What: fmt.Sprintf("%s:%s → %s:%s %s %s, %s bytes", str(r[3]), str(r[4]), str(r[5]), str(r[6]),
				protocolName(num(r[7])), str(r[8]), str(r[9])),
			Who: str(r[10])})
	}
	return out, nil
}

func protocolName(p int) string {
	switch p {
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 1:
		return "ICMP"
	}
	return fmt.Sprintf("proto %d", p)
}

func (s *Server) configTimeline(ctx context.Context, kind, term, since, until string) ([]timelineEntry, error) {
	var cond string
	var args []any
	switch kind {
	case kindARN:
		cond, args = "arn = ?", []any{term}
	case kindIP:
		cond, args = "contains(configuration, ?)", []any{jsonQuoted(term)}
	case kindResource:
		cond, args = "(resource_id = ? OR resource_name = ?)", []any{term, term}
	default:
		return nil, nil
	}
	res, err := s.data.query(ctx, fmt.Sprintf(`SELECT changed_at, account, region, change_type, resource_type, resource_id
		FROM auditing.config_changes WHERE CAST(changed_at AS DATE) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND %s
		ORDER BY changed_at DESC LIMIT %d`, cond, investigateLimit+1), append([]any{since, until}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("configuration timeline: %w", err)
	}
	out := make([]timelineEntry, 0, len(res.Rows))
	for _, r := range res.Rows {
		t, _ := r[0].(time.Time)
		out = append(out, timelineEntry{Time: t.UTC(), Source: "Config", Account: str(r[1]), Region: str(r[2]),
			What: str(r[3]) + " " + str(r[4]) + " " + str(r[5]),
			Link: "/resource?" + url.Values{"account": {str(r[1])}, "id": {str(r[5])}}.Encode()})
	}
	return out, nil
}

func (s *Server) findingsTimeline(ctx context.Context, term, since, until string) ([]timelineEntry, error) {
	fs, err := s.data.findingsMentioning(ctx, term)
	if err != nil {
		return nil, err
	}
	var out []timelineEntry
	for _, f := range fs {
		last := f.Service.EventLastSeen
		if last < since || last[:min(len(last), 10)] > until {
			continue
		}
		t, _ := time.Parse(time.RFC3339Nano, last)
		what := f.Type + ": " + f.Title
		if f.Archived {
			what += " (archived)"
		}
		out = append(out, timelineEntry{Time: t.UTC(), Source: "Finding", Account: f.AccountID, Region: f.Region, What: what,
			Who: f.Evidence.Principal, Severity: f.Severity.Label(), Link: "/findings/" + url.PathEscape(f.ID)})
	}
	return out, nil
}

// sqlString returns s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// investigateData is the investigate page's data.
type investigateData struct {
	Term, Since, Until string
	Result             *investigation
	Error              string
}

func (s *Server) investigatePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := investigateData{Term: strings.TrimSpace(q.Get("q")), Since: q.Get("since"), Until: q.Get("until")}
	status := http.StatusOK
	if d.Term != "" {
		inv, err := s.investigate(r.Context(), d.Term, d.Since, d.Until)
		if err != nil {
			status, d.Error = s.classify(r, err)
		}
		d.Result = inv
	}
	s.render(w, r, status, "investigate", d)
}
