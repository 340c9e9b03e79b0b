package auditreport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/vigil-sec/vigil/internal/compliance"
)

// browser is a headless Chromium tab, with what the page said to the
// console and the dialogs it tried to open.
type browser struct {
	tb  testing.TB
	ctx context.Context

	mu      sync.Mutex
	console []string // errors, exceptions, CSP violations
	dialogs []string
}

// chromium finds Debian's chromium (or another Chrome).
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	tb.Fatal("no chromium, chromium-browser or google-chrome in PATH: install Debian's chromium package (apt-get install chromium)")
	return ""
}

// newBrowser starts Chromium (as root here, hence --no-sandbox) and records
// console errors and dialogs until the test ends.
func newBrowser(tb testing.TB) *browser {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(tb.Context(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	tb.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{tb: tb, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		tb.Fatalf("start %s: %v", chromium(tb), err)
	}
	messages := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return b
}

// open loads a report from disk and waits for its table.
func (b *browser) open(file string) time.Duration {
	b.tb.Helper()
	u := url.URL{Scheme: "file", Path: file}
	start := time.Now()
	b.do(chromedp.Navigate(u.String()))
	b.do(chromedp.Poll[chromedp.Void](`document.body.getAttribute('data-ready') === '1'`, chromedp.WithPollingTimeout(30*time.Second)))
	return time.Since(start)
}

func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.tb.Fatal(err)
	}
}

// eval runs a JavaScript expression; %s in format receive JSON-encoded args.
func eval[T any](b *browser, format string, args ...any) T {
	b.tb.Helper()
	for i, a := range args {
		j, err := json.Marshal(a)
		if err != nil {
			b.tb.Fatal(err)
		}
		args[i] = string(j)
	}
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](fmt.Sprintf(format, args...)))
	if err != nil {
		b.tb.Fatalf("evaluate %s: %v", fmt.Sprintf(format, args...), err)
	}
	return v
}

// timed runs a statement in the page and returns how long it took up to
// the next layout, in milliseconds.
func timed(b *browser, stmt string, args ...any) float64 {
	b.tb.Helper()
	return eval[float64](b, `(function () { var t = performance.now(); `+stmt+`; document.body.offsetHeight; return performance.now() - t; })()`, args...)
}

// choose selects the option of a filter whose text is label, as a user
// picking it would (a change event follows).
func (b *browser) choose(id, label string) {
	b.tb.Helper()
	ok := eval[bool](b, `(function () {
		var s = document.getElementById(%s);
		var o = Array.prototype.find.call(s.options, function (o) { return o.textContent === %s; });
		if (!o) { return false; }
		s.value = o.value;
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, id, label)
	if !ok {
		b.tb.Fatalf("filter %s has no option %q", id, label)
	}
}

func (b *browser) version() int {
	b.tb.Helper()
	return eval[int](b, `+document.body.getAttribute('data-version')`)
}

func (b *browser) waitVersionAfter(v int) {
	b.tb.Helper()
	b.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`+document.body.getAttribute('data-version') > %d`, v), chromedp.WithPollingTimeout(10*time.Second)))
}

// pageRow is one visible row of the results table.
type pageRow struct {
	Account, Region, Service, Severity, Status, Framework, Check, Resource, Reason, Remediation string
}

func (b *browser) rows() []pageRow {
	b.tb.Helper()
	cells := eval[[][]string](b, `Array.prototype.map.call(document.querySelectorAll('#results-body tr'), function (tr) {
		return Array.prototype.map.call(tr.cells, function (td) { return td.textContent; });
	})`)
	var out []pageRow
	for _, c := range cells {
		if len(c) != 10 {
			b.tb.Fatalf("row with %d cells, want 10: %q", len(c), c)
		}
		out = append(out, pageRow{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]})
	}
	return out
}

func (b *browser) text(sel string) string {
	b.tb.Helper()
	return eval[string](b, `document.querySelector(%s).textContent`, sel)
}

// clean fails the test if the page logged errors or opened dialogs.
func (b *browser) clean() {
	b.tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		b.tb.Errorf("console: %s", m)
	}
	for _, d := range b.dialogs {
		b.tb.Errorf("the page opened a dialog (script injection): %s", d)
	}
}

// count counts results matching keep.
func count(r *Run, keep func(compliance.Result) bool) int {
	n := 0
	for _, res := range r.Results {
		if keep(res) {
			n++
		}
	}
	return n
}

func TestHTMLInBrowser(t *testing.T) {
	run := sampleRun()
	dir := t.TempDir()
	if _, err := Write(dir, run, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open(filepath.Join(dir, "index.html"))

	t.Run("hostile strings stay text", func(t *testing.T) {
		b.tb = t
		if n := eval[int](b, `document.images.length`); n != 0 {
			t.Errorf("%d <img> elements in the page: a resource name became markup", n)
		}
		if n := eval[int](b, `document.scripts.length`); n != 2 {
			t.Errorf("%d <script> elements, want the data island and the code", n)
		}
		for _, s := range []string{xssName, xssScript} {
			if !eval[bool](b, `Array.prototype.some.call(document.querySelectorAll('#results-body td'), function (td) { return td.textContent === %s; })`, s) {
				t.Errorf("no table cell shows the resource name %q as text", s)
			}
		}
		if got := b.text(".problems"); !strings.Contains(got, "dev "+xssName) {
			t.Errorf("summary does not show the hostile account name as text: %q", got)
		}
	})

	t.Run("all results", func(t *testing.T) {
		b.tb = t
		rows := b.rows()
		if len(rows) != len(run.Results) {
			t.Fatalf("%d rows visible, want %d", len(rows), len(run.Results))
		}
		// Worst first: unmuted failures, highest severity first.
		if rows[0].Status != "✗ FAIL" || rows[0].Severity != "High" {
			t.Errorf("first row %+v, want the unmuted high failure", rows[0])
		}
	})

	t.Run("status FAIL", func(t *testing.T) {
		b.tb = t
		b.choose("f-status", "FAIL")
		rows := b.rows()
		want := count(run, func(r compliance.Result) bool { return r.Status == compliance.Fail })
		if len(rows) != want {
			t.Errorf("%d rows, want %d failures", len(rows), want)
		}
		for _, r := range rows {
			if !strings.HasPrefix(r.Status, "✗ FAIL") {
				t.Errorf("row with status %q under the FAIL filter", r.Status)
			}
		}
		if got := b.text("#results-info"); !strings.HasPrefix(got, fmt.Sprintf("%d of %d results match", want, len(run.Results))) {
			t.Errorf("status line %q", got)
		}
	})

	t.Run("and account", func(t *testing.T) {
		b.tb = t
		b.choose("f-account", "prod (111111111111)")
		rows := b.rows()
		want := count(run, func(r compliance.Result) bool { return r.Status == compliance.Fail && r.Account == "111111111111" })
		if len(rows) != want || want == 0 {
			t.Errorf("%d rows, want %d failures of prod", len(rows), want)
		}
		for _, r := range rows {
			if r.Account != "prod (111111111111)" || !strings.HasPrefix(r.Status, "✗ FAIL") {
				t.Errorf("row %+v under the prod and FAIL filters", r)
			}
		}
	})

	t.Run("and text", func(t *testing.T) {
		b.tb = t
		v := b.version()
		b.do(chromedp.SendKeys(chromedp.CSS("#f-text"), "IMDSv1"))
		b.waitVersionAfter(v)
		rows := b.rows()
		if len(rows) != 1 || rows[0].Resource != "i-0abc" || rows[0].Check != checkUnknown {
			t.Errorf("rows %+v, want the instance using IMDSv1", rows)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		b.tb = t
		v := b.version()
		b.do(chromedp.Click(chromedp.CSS("#f-reset")))
		b.waitVersionAfter(v)
		if n := len(b.rows()); n != len(run.Results) {
			t.Fatalf("%d rows after reset, want %d", n, len(run.Results))
		}
		b.do(chromedp.Focus(chromedp.CSS("#f-text")), chromedp.KeyEvent(kb.Tab))
		if id := eval[string](b, `document.activeElement.id`); id != "f-status" {
			t.Errorf("Tab from the search field went to %q, want the status filter", id)
		}
		b.do(chromedp.Focus(chromedp.CSS(`th[data-key="severity"] button`)), chromedp.KeyEvent(kb.Enter))
		if got := eval[string](b, `document.querySelector('th[data-key="severity"]').getAttribute('aria-sort')`); got != "descending" {
			t.Errorf("aria-sort %q after Enter on the severity header, want descending", got)
		}
		rows := b.rows()
		if rows[0].Severity != "Critical" || rows[len(rows)-1].Severity != "Low" {
			t.Errorf("severity order: first %q, last %q", rows[0].Severity, rows[len(rows)-1].Severity)
		}
		b.do(chromedp.KeyEvent(kb.Enter))
		if rows := b.rows(); rows[0].Severity != "Low" {
			t.Errorf("second Enter: first row %q, want ascending severity", rows[0].Severity)
		}
		if n := eval[int](b, `document.querySelectorAll('label[for]').length`); n != eval[int](b, `document.querySelectorAll('#filters input, #filters select').length`) {
			t.Errorf("%d labels for the filter fields", n)
		}
	})

	t.Run("show failures of an account", func(t *testing.T) {
		b.tb = t
		v := b.version()
		b.do(chromedp.Click(chromedp.CSS(`button.show-fail[data-account="222222222222"]`)))
		b.waitVersionAfter(v)
		rows := b.rows()
		want := count(run, func(r compliance.Result) bool {
			return r.Account == "222222222222" && r.Status == compliance.Fail && !r.Muted
		})
		if len(rows) != want || want == 0 {
			t.Errorf("%d rows, want the %d unmuted failures of dev", len(rows), want)
		}
	})
	b.tb = t
	b.clean()
}

// TestHTMLLargeInBrowser opens a report of 100 000 results and logs how
// long opening, filtering and sorting take (targets: under 2 s each).
func TestHTMLLargeInBrowser(t *testing.T) {
	const n = 100_000
	run := bigRun(n)
	dir := t.TempDir()
	start := time.Now()
	if _, err := Write(dir, run, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "index.html")
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index.html of %d results: %.1f MB, written in %v", n, float64(info.Size())/1e6, time.Since(start).Round(time.Millisecond))

	b := newBrowser(t)
	open := b.open(file)
	if got, want := b.text("#results-info"), fmt.Sprintf("%d results, showing 1–50", n); got != want {
		t.Errorf("status line %q, want %q", got, want)
	}
	if rows := b.rows(); len(rows) != 50 {
		t.Errorf("%d rows in the DOM, want one page of 50", len(rows))
	}

	fails := count(run, func(r compliance.Result) bool { return r.Status == compliance.Fail })
	filter := timed(b, `var s = document.getElementById('f-status'); s.value = 'FAIL'; s.dispatchEvent(new Event('change'))`)
	if got := b.text("#results-info"); !strings.HasPrefix(got, fmt.Sprintf("%d of %d results match", fails, n)) {
		t.Errorf("after the FAIL filter: %q, want %d matches", got, fails)
	}

	const term = "resource-09999"
	matches := count(run, func(r compliance.Result) bool {
		return r.Status == compliance.Fail && strings.Contains(r.ResourceID, term)
	})
	search := timed(b, `document.getElementById('f-text').value = %s; document.getElementById('filters').requestSubmit()`, term)
	if got := b.text("#results-info"); !strings.HasPrefix(got, fmt.Sprintf("%d of %d results match", matches, n)) {
		t.Errorf("after searching %q: %q, want %d matches", term, got, matches)
	}

	reset := timed(b, `document.getElementById('f-text').value = ''; document.getElementById('f-status').value = ''; document.getElementById('filters').requestSubmit()`)
	sort := timed(b, `document.querySelector('th[data-key="resource"] button').click()`)
	if rows := b.rows(); rows[0].Resource != "resource-000000" {
		t.Errorf("first row after sorting by resource: %q", rows[0].Resource)
	}
	nav := eval[map[string]float64](b, `(function () { var n = performance.getEntriesByType('navigation')[0];
		return {parsed: n.domInteractive, ready: n.domContentLoadedEventEnd, loaded: n.loadEventEnd}; })()`)
	b.do(chromedp.Click(chromedp.CSS("#p-next")))
	if got, want := b.text("#p-info"), fmt.Sprintf("Page 2 of %d", n/50); got != want {
		t.Errorf("pager %q, want %q", got, want)
	}
	t.Logf("Chromium, %d results: open %v (in the page: HTML parsed at %.0f ms, script done at %.0f ms, load event at %.0f ms); filter by status %.0f ms; text search %.0f ms (first search builds the index); clear filters %.0f ms; sort %.0f ms",
		n, open.Round(time.Millisecond), nav["parsed"], nav["ready"], nav["loaded"], filter, search, reset, sort)
	b.clean()
}
