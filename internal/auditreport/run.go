package auditreport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// Run is one organization-wide audit, the input of Write.
type Run struct {
	ID       string    // run id, also the report directory's name
	Started  time.Time // when the run started
	Finished time.Time // when it ended; reports are dated with it
	Tool     string    // "vigil"
	Version  string    // the tool's version
	Org      string    // AWS Organizations id ("o-…"), optional
	// Accounts lists every account the run meant to audit, including those
	// it could not enter.
	Accounts []AccountRun
	// Results are the checks' verdicts, in any order.
	Results []compliance.Result
	// Frameworks are the frameworks selected for the run; empty means all
	// (every framework the results map to).
	Frameworks []string
}

// AccountRun is how the audit of one account went.
type AccountRun struct {
	Account string // 12-digit account id
	Name    string // account name from AWS Organizations, optional
	// Status is "ok", "partial" (some regions or services were skipped) or
	// "failed" (nothing was collected).
	Status string
	// Error says why the account failed or is partial, e.g. "cannot assume
	// role arn:aws:iam::…:role/AssumableSecurityAuditRole: AccessDenied".
	Error string
	// Regions are the regions that were scanned.
	Regions []string
	// Skipped maps a region that was not scanned to the reason.
	Skipped  map[string]string
	Calls    int           // AWS API calls made
	Duration time.Duration // time spent on the account
}

// Account statuses.
const (
	AccountOK      = "ok"
	AccountPartial = "partial"
	AccountFailed  = "failed"
)

// Formats lists the formats Write accepts, in the order it writes them.
var Formats = []string{"html", "json", "csv", "asff", "ocsf", "compliance"}

// clock dates reports of runs without a Finished time; tests replace it.
var clock = time.Now

// Write writes the reports of r in formats (all of Formats when empty) into
// dir, creating it, and returns the paths of the files written, sorted.
// Files are 0600 and directories 0700: reports list an organization's
// weaknesses. Each file is written to a temporary name and renamed, so a
// failed write leaves no truncated report behind.
func Write(dir string, r *Run, formats []string) ([]string, error) {
	if r == nil {
		return nil, errors.New("auditreport: nil run")
	}
	want, err := parseFormats(formats)
	if err != nil {
		return nil, err
	}
	if err := mkdirPrivate(dir); err != nil {
		return nil, err
	}
	rep := newReport(r)
	var written []string
	for _, f := range Formats {
		if !want[f] {
			continue
		}
		var files []string
		switch f {
		case "html":
			files, err = writeTo(dir, "index.html", rep.writeHTML)
		case "json":
			files, err = writeTo(dir, "results.json", rep.writeJSON)
			if err == nil {
				var more []string
				more, err = writeTo(dir, "summary.json", rep.writeSummaryJSON)
				files = append(files, more...)
			}
		case "csv":
			files, err = writeTo(dir, "results.csv", rep.writeCSV)
		case "asff":
			files, err = writeTo(dir, "results.asff.json", rep.writeASFF)
		case "ocsf":
			files, err = writeTo(dir, "results.ocsf.json", rep.writeOCSF)
		case "compliance":
			files, err = rep.writeCompliance(dir)
		}
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	slices.Sort(written)
	return written, nil
}

// parseFormats validates the requested formats.
func parseFormats(formats []string) (map[string]bool, error) {
	want := map[string]bool{}
	for _, f := range formats {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("unknown report format %q (want %s)", f, strings.Join(Formats, ", "))
		}
		want[f] = true
	}
	if len(want) == 0 {
		for _, f := range Formats {
			want[f] = true
		}
	}
	return want, nil
}

// mkdirPrivate creates dir (and missing parents) readable by its owner only.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	// MkdirAll leaves an existing directory's mode alone.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict report directory: %w", err)
	}
	return nil
}

// writeTo writes dir/name through fill, atomically and with mode 0600.
func writeTo(dir, name string, fill func(io.Writer) error) ([]string, error) {
	path := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".*") // CreateTemp uses 0600
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return []string{path}, nil
}
