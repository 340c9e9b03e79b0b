package auditreport

import (
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// complianceColumns are the columns of compliance/<framework>.csv.
var complianceColumns = []string{
	"FRAMEWORK", "CONTROL_ID", "CONTROL_TITLE", "ACCOUNT_UID", "ACCOUNT_NAME", "STATUS",
	"PASS", "FAIL", "ERROR", "MANUAL", "NOT_APPLICABLE", "MUTED", "CHECKS", "NOTE",
}

// controlStatus aggregates the results of one control in one account: FAIL
// when any resource fails, else ERROR when a check could not decide, else
// MANUAL when one needs a person, else PASS when something passed, else
// NOT_APPLICABLE. Muted results do not count; a control whose results are
// all muted is MUTED.
func controlStatus(c counts, muted int) string {
	switch {
	case c.Fail > 0:
		return string(compliance.Fail)
	case c.Error > 0 || c.Other > 0:
		return string(compliance.Error)
	case c.Manual > 0:
		return string(compliance.Manual)
	case c.Pass > 0:
		return string(compliance.Pass)
	case c.NotApplicable == 0 && muted > 0:
		return "MUTED"
	}
	return string(compliance.NotApplicable)
}

// control gathers one framework control's results.
type control struct {
	titles, checks map[string]bool
	byAccount      map[string]*controlCounts
}

type controlCounts struct {
	counts
	muted int
}

// writeCompliance writes compliance/<framework>.csv for each framework of
// the report: one row per control and account.
func (rep *report) writeCompliance(dir string) ([]string, error) {
	if len(rep.frameworks) == 0 {
		return nil, nil
	}
	sub := filepath.Join(dir, "compliance")
	if err := mkdirPrivate(sub); err != nil {
		return nil, err
	}
	var written []string
	for _, fw := range rep.frameworks {
		files, err := writeTo(sub, fileName(fw)+".csv", func(w io.Writer) error { return rep.writeFramework(w, fw) })
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func (rep *report) writeFramework(w io.Writer, fw string) error {
	controls := map[string]*control{}
	for i := range rep.rows {
		r := &rep.rows[i]
		for _, id := range r.Frameworks[fw] {
			c := controls[id]
			if c == nil {
				c = &control{titles: map[string]bool{}, checks: map[string]bool{}, byAccount: map[string]*controlCounts{}}
				controls[id] = c
			}
			c.titles[r.Title] = true
			c.checks[r.CheckID] = true
			cc := c.byAccount[r.Account]
			if cc == nil {
				cc = &controlCounts{}
				c.byAccount[r.Account] = cc
			}
			if r.Muted {
				cc.muted++
			} else {
				cc.add(r.Status)
			}
		}
	}
	cw := newCSV(w)
	if err := cw.Write(complianceColumns); err != nil {
		return err
	}
	ids := slices.SortedFunc(maps.Keys(controls), compareControls)
	for _, id := range ids {
		c := controls[id]
		title := strings.Join(slices.Sorted(maps.Keys(c.titles)), " | ")
		checks := strings.Join(slices.Sorted(maps.Keys(c.checks)), " | ")
		for i := range rep.accounts {
			a := &rep.accounts[i]
			cc := c.byAccount[a.Account]
			var status, note string
			switch {
			case cc != nil:
				status = controlStatus(cc.counts, cc.muted)
			case a.Status == AccountFailed:
				cc, status, note = &controlCounts{}, string(compliance.Error), strings.TrimSuffix("account not audited: "+a.Error, ": ")
			default:
				cc, status, note = &controlCounts{}, string(compliance.NotApplicable), "no result in this account"
			}
			err := cw.Write([]string{
				fw, id, title, a.Account, a.Name, status,
				strconv.Itoa(cc.Pass), strconv.Itoa(cc.Fail), strconv.Itoa(cc.Error + cc.Other),
				strconv.Itoa(cc.Manual), strconv.Itoa(cc.NotApplicable), strconv.Itoa(cc.muted),
				checks, note,
			})
			if err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// compareControls orders control ids naturally: "1.2" < "1.10" < "2.1".
func compareControls(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		var c int
		if errx == nil && erry == nil {
			c = x - y
		} else {
			c = strings.Compare(as[i], bs[i])
		}
		if c != 0 {
			return c
		}
	}
	if c := len(as) - len(bs); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// fileName makes a framework name safe as a file name.
func fileName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] == '.' {
		return "_" + string(b)
	}
	return string(b)
}
