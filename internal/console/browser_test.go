package console

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium finds Debian's Chromium (or Chrome) for the browser tests.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium for the browser tests: install Debian's chromium package (apt-get install chromium)")
	return ""
}

// newBrowser starts a headless Chromium for the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// page drives one browser tab; every step fails the test on error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func value[T any](p page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (p page) text(sel string) string {
	p.t.Helper()
	return value(p, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }
func id(sel string) chromedp.ID   { return chromedp.ID(sel) }

func (p page) location() string { p.t.Helper(); return value(p, "location", chromedp.Location()) }

// TestBrowser drives the console in headless Chromium as an analyst
// would: sign in, filter findings, open one's evidence, archive it, run a
// saved query, download CSV, and meet the refusals (sign-in wall, API
// token, CSRF, SQL sandbox).
func TestBrowser(t *testing.T) {
	fx := newFixture(t, false)
	p := page{t: t, ctx: newBrowser(t)}
	base := fx.ts.URL

	// Unauthenticated: pages lead to the sign-in form, the API says 401.
	p.do("open a page signed out", chromedp.Navigate(base+"/findings?severity=High"), chromedp.WaitVisible(id("password")))
	if loc := p.location(); !strings.HasPrefix(loc, base+"/login?next=") {
		t.Errorf("signed out, /findings went to %s", loc)
	}
	p.do("the API signed out", chromedp.Navigate(base+"/api/findings"))
	if text := p.text("body"); !strings.Contains(text, "missing or invalid API token") {
		t.Errorf("API without a token: %q", text)
	}

	p.do("load the sign-in page", chromedp.Navigate(base+"/login?next=%2Ffindings%3Fseverity%3DHigh"), chromedp.WaitVisible(id("username")))

	// Sign in; the console returns to the page asked for.
	p.do("sign in", chromedp.SendKeys(id("username"), AdminUser), chromedp.SendKeys(id("password"), adminPass),
		chromedp.Submit(id("password")), chromedp.WaitVisible(id("count")))
	if loc, text := p.location(), p.text("#count"); loc != base+"/findings?severity=High" || text != "1 finding" {
		t.Errorf("after sign-in: %s, %q", loc, text)
	}

	// Filter findings with the form.
	p.do("filter findings", chromedp.SetValue(id("f-severity"), ""), chromedp.SetValue(id("f-account"), acctA),
		chromedp.Click(css(`form.filters button[type=submit]`)), chromedp.WaitVisible(css(`a[href="/findings/f-probe"]`)))
	if text := p.text("#count"); text != "2 findings" {
		t.Errorf("account filter: %q", text)
	}
	// The attacker-controlled title is text, not markup.
	if title := p.text(`a[href="/findings/f-acl"]`); title != xssTitle {
		t.Errorf("title shown as %q", title)
	}

	// A finding's evidence and the SQL that reproduces it.
	p.do("open the finding", chromedp.Click(css(`a[href="/findings/f-acl"]`)), chromedp.WaitVisible(id("evidence")))
	if evidence, sql := p.text("#evidence"), p.text("#evidence-sql"); !strings.Contains(evidence, "e-acl") ||
		!strings.Contains(evidence, "PutBucketAcl") || !strings.Contains(sql, "eventid in ('e-acl')") {
		t.Errorf("evidence %q, SQL %q", evidence, sql)
	}
	p.do("archive it", chromedp.Click(css(`form[action="/findings/f-acl/archive"] button`)), chromedp.WaitVisible(css(".flash")))
	if text := p.text(".flash"); text != "Finding archived." {
		t.Errorf("after archiving: %q", text)
	}

	// A form without its CSRF token is refused.
	value(p, "drop the CSRF token", chromedp.Evaluate[bool](`document.querySelector('form[action="/findings/f-acl/unarchive"] input[name=csrf]').remove(), true`))
	p.do("unarchive without the CSRF token", chromedp.Click(css(`form[action="/findings/f-acl/unarchive"] button`)), chromedp.WaitVisible(css("p.alert")))
	if text := p.text("main"); !strings.Contains(text, "Forbidden") || !strings.Contains(text, "CSRF") {
		t.Errorf("without a CSRF token: %q", text)
	}

	// Keyboard: on a fresh page, the first Tab reaches the skip link, and
	// the next ones the navigation. (A headless tab has no window focus
	// unless emulated.)
	if _, err := chromedp.Call(p.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	p.do("tab through a page", chromedp.Navigate(base+"/compliance"), chromedp.WaitVisible(id("main")), chromedp.KeyEvent(kb.Tab))
	if focused := value(p, "focus", chromedp.Evaluate[string](`document.activeElement.textContent`)); focused != "Skip to content" {
		t.Errorf("first Tab focused %q, want the skip link", focused)
	}
	p.do("tab on", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if focused := value(p, "focus", chromedp.Evaluate[string](`document.activeElement.textContent`)); focused != "Overview" {
		t.Errorf("third Tab focused %q, want the Overview link", focused)
	}

	// A saved query with its parameters.
	p.do("run a saved query", chromedp.Navigate(base+"/sql"), chromedp.Click(css(`a[href="/sql?saved=IPActivity"]`)),
		chromedp.WaitVisible(id("p-ip")), chromedp.SendKeys(id("p-ip"), attackerIP), chromedp.SetValue(id("p-days"), "100000"),
		chromedp.Submit(id("p-ip")), chromedp.WaitVisible(id("results")))
	if results := p.text("#results"); !strings.Contains(results, "PutBucketAcl") || !strings.Contains(results, "StopLogging") {
		t.Errorf("IPActivity results: %q", results)
	}

	// Download the result as CSV.
	dir := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	evctx, stop := context.WithTimeout(p.ctx, 30*time.Second)
	defer stop()
	downloads := chromedp.BrowserEvents(evctx, browser.DownloadProgress)
	p.do("download CSV", chromedp.Click(id("download-csv")))
	var file string
	for ev, err := range downloads {
		if err != nil {
			t.Fatalf("the CSV download did not complete: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 4 || recs[0][0] != "eventtime" {
		t.Errorf("downloaded CSV: %v %v", recs, err)
	}

	// Sandbox escapes typed into the editor, run with Ctrl+Enter.
	for _, tc := range []struct{ sql, want string }{
		{"select * from read_csv('/etc/passwd')", "Permission Error"},
		{"copy (select 1) to '" + filepath.Join(fx.lake, "cloudtrail", "x.csv") + "'", "only read-only queries"},
		{"attach '" + filepath.Join(fx.lake, "x.db") + "' as x", "only read-only queries"},
	} {
		p.do("type "+tc.sql, chromedp.Navigate(base+"/sql"), chromedp.WaitVisible(id("sql")), chromedp.SendKeys(id("sql"), tc.sql),
			chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.WaitVisible(id("sql-error")))
		if text := p.text("#sql-error"); !strings.Contains(text, tc.want) {
			t.Errorf("%s: %q, want %q", tc.sql, text, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(fx.lake, "cloudtrail", "x.csv")); err == nil {
		t.Error("COPY wrote into the lake")
	}

	// The report page's own script runs (in its sandbox).
	p.do("open a report", chromedp.Navigate(base+"/reports"), chromedp.Click(css(`a[href="/reports/audit-1/index.html"]`)), chromedp.WaitVisible(id("r")))
	if text := p.text("#r"); text != "Audit report (script ran)" {
		t.Errorf("report page: %q", text)
	}

	// Sign out: pages lead to the sign-in form again.
	p.do("sign out", chromedp.Navigate(base+"/"), chromedp.Click(css(`form.session button`)), chromedp.WaitVisible(id("password")),
		chromedp.Navigate(base+"/sql"), chromedp.WaitVisible(id("password")))
}
