package console

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/console/triage"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// api calls the JSON API with a token ("" for none).
func (fx *fixture) api(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, fx.ts.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := fx.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, nil
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %d, body not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func TestAccessControl(t *testing.T) {
	fx := newFixture(t, false)
	anon := fx.client(t)
	for _, p := range []string{"/", "/findings", "/findings/f-acl", "/sql?sql=select+1", "/compliance", "/investigate?q=x", "/reports", "/reports/audit-1/index.html"} {
		resp, err := anon.Get(fx.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(p) {
			t.Errorf("anonymous GET %s: %d to %q, want a redirect to the sign-in page", p, resp.StatusCode, loc)
		}
	}
	for _, tc := range []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/api/health", "", nil, 200},
		{"GET", "/api/findings", "", nil, 401},
		{"GET", "/api/findings", "vigil_not-a-token", nil, 401},
		{"GET", "/api/findings", fx.viewerToken, nil, 200},
		{"POST", "/api/query", "", map[string]string{"sql": "select 1"}, 401},
		{"POST", "/api/query", fx.viewerToken, map[string]string{"sql": "select 1"}, 200},
		{"POST", "/api/findings/f-acl/archive", fx.viewerToken, nil, 403},
		{"POST", "/api/suppressions", fx.viewerToken, map[string]any{"name": "x", "types": []string{"X"}}, 403},
		{"GET", "/api/compliance", fx.viewerToken, nil, 200},
		{"GET", "/api/nothing", fx.viewerToken, nil, 404},
		{"GET", "/api/nothing", "", nil, 401},
		{"POST", "/api/findings/f-acl/archive", fx.adminToken, nil, 200},
		{"POST", "/api/findings/nope/archive", fx.adminToken, nil, 404},
	} {
		if got, body := fx.api(t, tc.method, tc.path, tc.token, tc.body); got != tc.want {
			t.Errorf("%s %s (token %.12s): %d, want %d (%v)", tc.method, tc.path, tc.token, got, tc.want, body)
		}
	}
	// A session cookie is no API credential.
	c := fx.login(t, AdminUser, adminPass)
	if code, _ := get(t, c, fx.ts.URL+"/api/findings"); code != http.StatusUnauthorized {
		t.Errorf("API with a session cookie: %d", code)
	}
}

func TestLogin(t *testing.T) {
	fx := newFixture(t, true)
	c := fx.client(t)
	code, page := get(t, c, fx.ts.URL+"/login?next=/findings")
	if code != 200 || !strings.Contains(page, `<label for="password">`) {
		t.Fatalf("sign-in page: %d\n%s", code, page)
	}
	form := func(user, pass, csrf string) url.Values {
		return url.Values{"csrf": {csrf}, "username": {user}, "password": {pass}, "next": {"/findings"}}
	}
	// No login CSRF token: refused before the password is even checked.
	if resp, _ := post(t, c, fx.ts.URL+"/login", form(AdminUser, adminPass, "forged")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in with a forged CSRF token: %d", resp.StatusCode)
	}
	_, page = get(t, c, fx.ts.URL+"/login")
	tok := csrfOf(t, page)
	resp, body := post(t, c, fx.ts.URL+"/login", form(AdminUser, "wrong password", tok))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password") {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	tok = csrfOf(t, body)
	resp, _ = post(t, c, fx.ts.URL+"/login", form(AdminUser, adminPass, tok))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/findings" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-vigil_session" && ck.Value != "" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Errorf("session cookie %+v: want __Host-, HttpOnly, Secure, SameSite=Lax", session)
	}
	if code, page := get(t, c, fx.ts.URL+"/findings"); code != 200 || !strings.Contains(page, "Sign out") {
		t.Errorf("signed in: %d", code)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); h == "" {
		t.Error("no HSTS under TLS")
	}

	// Sign out ends the session, server side too.
	_, page = get(t, c, fx.ts.URL+"/")
	resp, _ = post(t, c, fx.ts.URL+"/logout", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	replay := fx.client(t)
	replay.Jar.SetCookies(mustURL(fx.ts.URL), []*http.Cookie{{Name: session.Name, Value: session.Value}})
	if code, _ := get(t, replay, fx.ts.URL+"/"); code != http.StatusSeeOther {
		t.Errorf("old session cookie after sign-out: %d", code)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestLoginRateLimit(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.client(t)
	_, page := get(t, c, fx.ts.URL+"/login")
	var last *http.Response
	for i := 0; i <= maxFailuresPerIP; i++ {
		resp, body := post(t, c, fx.ts.URL+"/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {AdminUser}, "password": {fmt.Sprint("guess", i)}})
		last, page = resp, body
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %d", maxFailuresPerIP+1, last.StatusCode)
	}
	// Even the right password waits now.
	resp, body := post(t, c, fx.ts.URL+"/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {AdminUser}, "password": {adminPass}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins") {
		t.Errorf("right password while limited: %d", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	fx := newFixture(t, false)
	admin := fx.login(t, AdminUser, adminPass)
	_, page := get(t, admin, fx.ts.URL+"/findings/f-acl")
	tok := csrfOf(t, page)
	for _, tc := range []struct {
		name   string
		form   url.Values
		origin string
		want   int
	}{
		{"no token", url.Values{}, "", http.StatusForbidden},
		{"wrong token", url.Values{"csrf": {"x" + tok}}, "", http.StatusForbidden},
		{"cross-site origin", url.Values{"csrf": {tok}}, "https://evil.example", http.StatusForbidden},
		{"valid", url.Values{"csrf": {tok}}, fx.ts.URL, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "POST", fx.ts.URL+"/findings/f-acl/archive", strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			resp, err := admin.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(string(b), "CSRF") {
				t.Errorf("the 403 page does not say why:\n%s", b)
			}
		})
	}
	st, err := triage.Load(fx.lake)
	if err != nil || !st.Decisions["f-acl"].Archived || st.Decisions["f-acl"].By != AdminUser {
		t.Errorf("decision after the valid request: %+v %v", st.Decisions, err)
	}
	// A viewer with a valid token still may not archive.
	viewer := fx.login(t, "vera", viewerPass)
	_, page = get(t, viewer, fx.ts.URL+"/findings/f-trail")
	if strings.Contains(page, "/archive") {
		t.Error("a viewer is offered the archive button")
	}
	resp, _ := post(t, viewer, fx.ts.URL+"/findings/f-trail/archive", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer archive: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.login(t, AdminUser, adminPass)
	resp, err := c.Get(fx.ts.URL + "/findings")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, resp.Header.Get(h), want)
		}
	}
	// The report's own page runs sandboxed, away from the console's origin.
	resp, err = c.Get(fx.ts.URL + "/reports/audit-1/index.html")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != 200 || !strings.HasPrefix(csp, "sandbox allow-scripts") || strings.Contains(csp, "allow-same-origin") {
		t.Errorf("report page: %d, CSP %q", resp.StatusCode, csp)
	}
}

func TestFindings(t *testing.T) {
	fx := newFixture(t, false)
	ids := func(q string) []string {
		code, body := fx.api(t, "GET", "/api/findings?"+q, fx.viewerToken, nil)
		if code != 200 {
			t.Fatalf("/api/findings?%s: %d %v", q, code, body)
		}
		var out []string
		for _, f := range body["findings"].([]any) {
			out = append(out, f.(map[string]any)["id"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"f-acl", "f-trail", "f-probe"}},
		{"archived=all", []string{"f-acl", "f-trail", "f-kali", "f-probe"}}, // severity, then newest
		{"archived=archived", []string{"f-kali"}},
		{"severity=high", []string{"f-acl"}},
		{"severity=medium", []string{"f-acl", "f-trail"}},
		{"type=Recon:*", []string{"f-probe"}},
		{"type=Stealth:IAMUser/CloudTrailLoggingDisabled&type=Policy:*", []string{"f-acl", "f-trail"}},
		{"account=" + acctB, []string{"f-trail"}},
		{"region=us-east-1", []string{"f-acl", "f-probe"}},
		{"since=2024-05-02", []string{"f-trail", "f-probe"}},
		{"until=2024-05-01", []string{"f-acl"}},
		{"limit=1&offset=1", []string{"f-trail"}},
	} {
		if got := ids(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.query, got, tc.want)
		}
	}
	if code, _ := fx.api(t, "GET", "/api/findings?severity=extreme", fx.viewerToken, nil); code != 400 {
		t.Errorf("bad severity: %d", code)
	}

	c := fx.login(t, AdminUser, adminPass)
	code, page := get(t, c, fx.ts.URL+"/findings?severity=Medium")
	if code != 200 || !strings.Contains(page, "2 findings") || !strings.Contains(page, `href="/findings/f-trail"`) || strings.Contains(page, `href="/findings/f-probe"`) {
		t.Errorf("findings page filtered by severity: %d\n%s", code, page)
	}
	if strings.Contains(page, `<script>alert("xss")`) || !strings.Contains(page, "&lt;script&gt;alert(&#34;xss&#34;)") {
		t.Error("a finding's title is not escaped")
	}

	// A finding's page: its fields, its evidence (run through the
	// sandbox) and the SQL that reproduces it.
	code, page = get(t, c, fx.ts.URL+"/findings/f-acl")
	for _, want := range []string{"Policy:S3/BucketAnonymousAccessGranted", "e-acl", "PutBucketAcl", aliceARN, accessKey,
		"eventid in (&#39;e-acl&#39;)", "Suppress findings like this", `&#34;accountId&#34;: &#34;111122223333&#34;`} {
		if !strings.Contains(page, want) {
			t.Errorf("finding page lacks %q", want)
		}
	}
	if code != 200 {
		t.Errorf("finding page: %d", code)
	}
	_, page = get(t, c, fx.ts.URL+"/findings/f-probe")
	if !strings.Contains(page, "eni-0abc") || !strings.Contains(page, "4444") {
		t.Error("flow-log evidence missing")
	}
	if code, _ := get(t, c, fx.ts.URL+"/findings/nope"); code != 404 {
		t.Errorf("unknown finding: %d", code)
	}

	// Archive, then unarchive.
	_, page = get(t, c, fx.ts.URL+"/findings/f-trail")
	resp, _ := post(t, c, fx.ts.URL+"/findings/f-trail/archive", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	if got := ids("archived=archived"); !slices.Equal(got, []string{"f-trail", "f-kali"}) {
		t.Errorf("archived after archiving f-trail: %v", got)
	}
	_, page = get(t, c, fx.ts.URL+"/findings/f-trail")
	if !strings.Contains(page, "archived by admin") {
		t.Error("the finding page does not say who archived it")
	}
	post(t, c, fx.ts.URL+"/findings/f-kali/unarchive", url.Values{"csrf": {csrfOf(t, page)}})
	if got := ids("archived=archived"); !slices.Equal(got, []string{"f-trail"}) {
		t.Errorf("archived after unarchiving f-kali: %v", got)
	}
	// The decisions are the lake's: vigil findings reads them.
	st, err := triage.Load(fx.lake)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := lake.ReadFindings(fx.lake)
	if err != nil {
		t.Fatal(err)
	}
	st.Apply(fs)
	for _, f := range fs {
		if want := f.ID == "f-trail"; f.Service.Archived != want {
			t.Errorf("triage.Apply: %s archived %v", f.ID, f.Service.Archived)
		}
	}
}

func TestSuppressions(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.login(t, AdminUser, adminPass)
	code, page := get(t, c, fx.ts.URL+"/suppressions?from=f-acl")
	if code != 200 {
		t.Fatalf("suppressions page: %d", code)
	}
	for _, want := range []string{`value="Policy:S3/BucketAnonymousAccessGranted"`, `value="` + acctA + `"`, `value="` + aliceARN + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the proposed rule lacks %s", want)
		}
	}
	form := url.Values{"csrf": {csrfOf(t, page)}, "name": {"alice's bucket work"}, "types": {"Policy:S3/*"}, "accounts": {acctA}, "principals": {aliceARN}}
	resp, _ := post(t, c, fx.ts.URL+"/suppressions", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create rule: %d", resp.StatusCode)
	}
	_, page = get(t, c, fx.ts.URL+"/suppressions")
	if !strings.Contains(page, "alice&#39;s bucket work") || !strings.Contains(page, `<td class="num">1</td>`) {
		t.Errorf("rule list:\n%s", page)
	}
	code, body := fx.api(t, "GET", "/api/findings?archived=archived", fx.viewerToken, nil)
	if code != 200 || body["total"] != 2.0 {
		t.Errorf("archived after the rule: %v", body)
	}
	// A rule without criteria is refused with the reason.
	resp, page = post(t, c, fx.ts.URL+"/suppressions", url.Values{"csrf": {csrfOf(t, page)}, "name": {"everything"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "no criteria") {
		t.Errorf("empty rule: %d", resp.StatusCode)
	}
	// The API manages the same rules.
	if code, b := fx.api(t, "POST", "/api/suppressions", fx.adminToken, map[string]any{"name": "office", "ips": []string{"203.0.113.0/24"}}); code != 201 {
		t.Errorf("API create: %d %v", code, b)
	}
	if code, b := fx.api(t, "GET", "/api/suppressions", fx.viewerToken, nil); code != 200 || len(b["rules"].([]any)) != 2 {
		t.Errorf("API list: %v", b)
	}
	if code, _ := fx.api(t, "DELETE", "/api/suppressions/office", fx.adminToken, nil); code != 204 {
		t.Errorf("API delete: %d", code)
	}
	resp, _ = post(t, c, fx.ts.URL+"/suppressions/delete", url.Values{"csrf": {csrfOf(t, page)}, "name": {"alice's bucket work"}})
	if st, err := triage.Load(fx.lake); resp.StatusCode != http.StatusSeeOther || err != nil || len(st.Rules) != 0 {
		t.Errorf("after deleting both rules: %d %v %v", resp.StatusCode, err, st)
	}
}

func TestCompliance(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.login(t, "vera", viewerPass)
	code, page := get(t, c, fx.ts.URL+"/compliance?framework=cis-aws-7.0")
	if code != 200 {
		t.Fatalf("compliance: %d", code)
	}
	for _, want := range []string{"S3 buckets are private", "2.1.4", acctA, acctB, "50%", "100%", "FAIL 1/2"} {
		if !strings.Contains(page, want) {
			t.Errorf("compliance matrix lacks %q", want)
		}
	}
	code, page = get(t, c, fx.ts.URL+"/compliance/check?check="+testCheckID+"&account="+acctA)
	for _, want := range []string{"Bucket acme-data grants READ to AllUsers.", "put-public-access-block", "acme-logs"} {
		if !strings.Contains(page, want) {
			t.Errorf("check page lacks %q", want)
		}
	}
	if strings.Contains(page, "b-data") || code != 200 {
		t.Errorf("check page of one account: %d, shows another account's resource", code)
	}
	// The resource: its results, the CloudTrail call that changed it, its
	// configuration changes, the findings about it.
	code, page = get(t, c, fx.ts.URL+"/resource?account="+acctA+"&id="+bucket+"&arn="+url.QueryEscape(bucketARN))
	for _, want := range []string{"PutBucketAcl", "e-acl", "public-read", "UPDATE", "CREATE", `href="/findings/f-acl"`, "grants READ"} {
		if !strings.Contains(page, want) {
			t.Errorf("resource page lacks %q", want)
		}
	}
	if code != 200 || strings.Contains(page, "ListBuckets") {
		t.Errorf("resource page: %d; a read-only call is listed as a change", code)
	}
	code, body := fx.api(t, "GET", "/api/compliance?framework=cis-aws-7.0", fx.viewerToken, nil)
	if code != 200 {
		t.Fatalf("API compliance: %d", code)
	}
	b, _ := json.Marshal(body)
	for _, want := range []string{`"score":0.5`, `"score":1`, `"status":"FAIL"`, `"check_id":"` + testCheckID + `"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("API compliance lacks %s: %s", want, b)
		}
	}
	code, body = fx.api(t, "GET", "/api/compliance?check="+testCheckID, fx.viewerToken, nil)
	if rows, _ := body["rows"].([]any); code != 200 || len(rows) != 3 {
		t.Errorf("API check results: %d %v", code, body)
	}
}

func TestSQL(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.login(t, "vera", viewerPass)
	// The saved queries read the last N days: the fixture's are long past.
	code, page := get(t, c, fx.ts.URL+"/sql?saved=TopCallers&param.days=100000")
	if code != 200 || !strings.Contains(page, `<td>`+aliceARN+`</td>`) {
		t.Errorf("saved query: %d\n%s", code, page)
	}
	code, page = get(t, c, fx.ts.URL+"/sql?saved=IPActivity")
	if code != 200 || !strings.Contains(page, `name="param.ip"`) || strings.Contains(page, `id="results"`) {
		t.Errorf("saved query with a required parameter: %d, want its form and no run", code)
	}
	code, page = get(t, c, fx.ts.URL+"/sql?saved=IPActivity&param.days=100000&param.ip="+attackerIP)
	if code != 200 || !strings.Contains(page, "StopLogging") || !strings.Contains(page, "PutBucketAcl") {
		t.Errorf("saved query with its parameter: %d", code)
	}

	// Paging: 120 rows, 100 a page.
	q := url.QueryEscape("select range as n from range(120)")
	_, page = get(t, c, fx.ts.URL+"/sql?sql="+q+"&page=2")
	if !strings.Contains(page, "Rows 101–120 of 120") || !strings.Contains(page, "<td>119</td>") || strings.Contains(page, "<td>99</td>") {
		t.Errorf("page 2:\n%s", page)
	}
	// Over the row limit (150 in the fixture), the page says so.
	_, page = get(t, c, fx.ts.URL+"/sql?sql="+url.QueryEscape("select * from range(200)"))
	if !strings.Contains(page, "more than 150") {
		t.Error("the row limit is not stated")
	}

	// Downloads: every row (past the page limit), CSV-injection safe.
	resp, err := c.Get(fx.ts.URL + "/sql/download?format=csv&sql=" + url.QueryEscape("select eventid, useragent from auditing.cloudtrail where eventid = 'e-acl' union all select cast(range as varchar), null from range(200)"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(recs) != 202 || resp.Header.Get("Content-Disposition") == "" {
		t.Fatalf("CSV download: %d records, %v, %v", len(recs), err, resp.Header)
	}
	if !slices.ContainsFunc(recs, func(r []string) bool { return r[0] == "e-acl" && r[1] == "'"+csvAttack }) {
		t.Errorf("the formula in useragent is not defused: %v", recs[:3])
	}
	resp, err = c.Get(fx.ts.URL + "/sql/download?format=json&sql=" + url.QueryEscape("select 1 as a, 'x' as b"))
	if err != nil {
		t.Fatal(err)
	}
	jb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Join(strings.Fields(string(jb)), "") != `[{"a":1,"b":"x"}]` {
		t.Errorf("JSON download: %s", jb)
	}

	// Escapes are refused with the reason, on the page and in the API.
	for _, tc := range []struct{ sql, want string }{
		{"select * from read_csv('/etc/passwd')", "Permission Error"},
		{"copy (select 1) to '" + filepath.Join(fx.lake, "cloudtrail", "x.csv") + "'", "only read-only queries"},
		{"attach '" + filepath.Join(fx.lake, "x.db") + "' as x", "only read-only queries"},
		{"select * from read_text('" + filepath.Join(fx.lake, AuthFile) + "')", "Permission Error"},
	} {
		code, page := get(t, c, fx.ts.URL+"/sql?sql="+url.QueryEscape(tc.sql))
		if code != http.StatusBadRequest || !strings.Contains(page, tc.want) || !strings.Contains(page, `role="alert"`) {
			t.Errorf("page %s: %d, want 400 with %q", tc.sql, code, tc.want)
		}
		code, body := fx.api(t, "POST", "/api/query", fx.viewerToken, map[string]string{"sql": tc.sql})
		if msg, _ := body["error"].(string); code != http.StatusBadRequest || !strings.Contains(msg, tc.want) {
			t.Errorf("API %s: %d %q", tc.sql, code, msg)
		}
		if code, _ := get(t, c, fx.ts.URL+"/sql/download?format=csv&sql="+url.QueryEscape(tc.sql)); code != http.StatusBadRequest {
			t.Errorf("download %s: %d", tc.sql, code)
		}
	}
	if _, err := os.Stat(filepath.Join(fx.lake, "cloudtrail", "x.csv")); err == nil {
		t.Error("COPY wrote into the lake")
	}

	code, body := fx.api(t, "POST", "/api/query", fx.viewerToken, map[string]any{"sql": "select eventid, readonly = 'false' as w from auditing.cloudtrail order by eventid", "max_rows": 2})
	b, _ := json.Marshal(body)
	if code != 200 || string(b) != `{"columns":["eventid","w"],"rows":[["e-acl",true],["e-list",false]],"truncated":true,"types":["VARCHAR","BOOLEAN"]}` {
		t.Errorf("API query: %d %s", code, b)
	}
	if code, _ := fx.api(t, "POST", "/api/query", fx.viewerToken, map[string]any{"query": "select 1"}); code != 400 {
		t.Errorf("API query with an unknown field: %d", code)
	}

	// The history keeps the runs, newest first, per user.
	_, page = get(t, c, fx.ts.URL+"/sql")
	if i, j := strings.Index(page, "read_text"), strings.Index(page, "range(200)"); i < 0 || j < 0 || i > j {
		t.Error("history missing or out of order")
	}
	admin := fx.login(t, AdminUser, adminPass)
	if _, page := get(t, admin, fx.ts.URL+"/sql"); strings.Contains(page, "range(200)") {
		t.Error("a user sees another's history")
	}
}

func TestInvestigate(t *testing.T) {
	fx := newFixture(t, false)
	for _, tc := range []struct {
		term, kind string
		counts     map[string]int
	}{
		{attackerIP, kindIP, map[string]int{"CloudTrail": 3, "Flow logs": 3, "Finding": 4}},
		{accessKey, kindAccessKey, map[string]int{"CloudTrail": 2}},
		{bobARN, kindARN, map[string]int{"CloudTrail": 1, "Finding": 1}},
		{opsRoleARN, kindARN, map[string]int{"CloudTrail": 1}}, // the role's sessions
		{aliceARN, kindARN, map[string]int{"CloudTrail": 2, "Finding": 2}},
		{bucketARN, kindARN, map[string]int{"CloudTrail": 1, "Config": 2, "Finding": 1}},
		{bucket, kindResource, map[string]int{"CloudTrail": 1, "Config": 2, "Finding": 1}},
		{"eni-0abc", kindResource, map[string]int{"Flow logs": 3, "Finding": 1}},
		{"nothing-here", kindResource, map[string]int{}},
	} {
		t.Run(tc.term, func(t *testing.T) {
			code, body := fx.api(t, "GET", "/api/investigate?q="+url.QueryEscape(tc.term), fx.viewerToken, nil)
			if code != 200 {
				t.Fatalf("%d %v", code, body)
			}
			counts := map[string]int{}
			for k, v := range body["counts"].(map[string]any) {
				counts[k] = int(v.(float64))
			}
			if body["kind"] != tc.kind || fmt.Sprint(counts) != fmt.Sprint(tc.counts) {
				t.Errorf("kind %v counts %v, want %s %v", body["kind"], counts, tc.kind, tc.counts)
			}
			entries := body["entries"].([]any)
			for i := 1; i < len(entries); i++ {
				if entries[i-1].(map[string]any)["time"].(string) < entries[i].(map[string]any)["time"].(string) {
					t.Errorf("timeline not newest first at %d", i)
				}
			}
		})
	}
	c := fx.login(t, "vera", viewerPass)
	code, page := get(t, c, fx.ts.URL+"/investigate?q="+attackerIP)
	if code != 200 || !strings.Contains(page, "StopLogging") || !strings.Contains(page, "REJECT") || !strings.Contains(page, "Unprotected ports probed") {
		t.Errorf("investigate page: %d", code)
	}
	if code, _ := get(t, c, fx.ts.URL+"/investigate?q=x&since=yesterday"); code != http.StatusBadRequest {
		t.Errorf("bad date: %d", code)
	}
	// The window leaves older activity out.
	if _, body := fx.api(t, "GET", "/api/investigate?q="+attackerIP+"&since=2024-05-02", fx.viewerToken, nil); fmt.Sprint(body["counts"]) != "map[CloudTrail:1 Finding:2 Flow logs:3]" {
		t.Errorf("since 2024-05-02: %v", body["counts"])
	}
}

func TestOverviewAndReports(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.login(t, "vera", viewerPass)
	code, page := get(t, c, fx.ts.URL+"/")
	for _, want := range []string{
		`<svg class="chart"`, "2024-05-01: 1 High", // the chart, with its numbers
		`href="/findings?type=Policy%3aS3%2fBucketAnonymousAccessGranted"`, // top types
		"50%", "100%", // scores
		"eu-west-1", "us-east-1", "days ago", // freshness
		"AWSLogs/bad.json.gz", "gzip: invalid header", // ingest errors
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if code != 200 {
		t.Errorf("overview: %d", code)
	}
	code, page = get(t, c, fx.ts.URL+"/reports")
	if code != 200 || !strings.Contains(page, `href="/reports/audit-1/index.html"`) || !strings.Contains(page, "FAIL 1") || !strings.Contains(page, "MUTED 1") {
		t.Errorf("reports page: %d\n%s", code, page)
	}
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/reports/audit-1/index.html", 200},
		{"/reports/audit-1/results.json", 200},
		{"/reports/audit-1/../secret.txt", http.StatusTemporaryRedirect}, // ServeMux cleans the path
		{"/reports/audit-1/%2e%2e/secret.txt", 404},
		{"/reports/..%2fsecret.txt/x", 404},
		{"/reports/audit-2/index.html", 404},
	} {
		code, body := get(t, c, fx.ts.URL+tc.path)
		if code != tc.want || strings.Contains(body, "not a report file") {
			t.Errorf("%s: %d, want %d", tc.path, code, tc.want)
		}
	}
	if err := os.Symlink(filepath.Join(fx.reports, "secret.txt"), filepath.Join(fx.reports, "audit-1", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, c, fx.ts.URL+"/reports/audit-1/link.txt"); code != 404 || strings.Contains(body, "not a report file") {
		t.Errorf("symbolic link out of the run: %d", code)
	}
}

// TestNewDataWithoutRestart: the console shows what lands in the lake
// while it runs (ingest, detection).
func TestNewDataWithoutRestart(t *testing.T) {
	fx := newFixture(t, false)
	count := func() string {
		_, body := fx.api(t, "POST", "/api/query", fx.viewerToken, map[string]string{"sql": "select count(*) from auditing.cloudtrail"})
		return fmt.Sprint(body["rows"])
	}
	c := fx.login(t, "vera", viewerPass)
	if got := count(); got != "[[4]]" {
		t.Fatalf("events before: %s", got)
	}
	get(t, c, fx.ts.URL+"/") // fills the caches
	l, err := lake.Open(fx.lake, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeEvents(t, l, vigil.Partition{Account: "777788889999", Region: "ap-south-1", Date: "2024-05-03"},
		event("e-new", "2024-05-03", "11:00:00", "777788889999", "ap-south-1", "ListUsers", "iam.amazonaws.com", nil))
	fs := fixtureFindings()
	fs[0].Title = "A finding that changed"
	time.Sleep(10 * time.Millisecond)
	if err := l.WriteFindings(fs); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if got := count(); got != "[[5]]" {
		t.Errorf("events after: %s", got)
	}
	_, page := get(t, c, fx.ts.URL+"/")
	if !strings.Contains(page, "777788889999") {
		t.Error("the new account is not in the freshness table")
	}
	if _, page := get(t, c, fx.ts.URL+"/findings"); !strings.Contains(page, "A finding that changed") {
		t.Error("the rewritten findings are not shown")
	}
}

func TestAccountPage(t *testing.T) {
	fx := newFixture(t, false)
	admin := fx.login(t, AdminUser, adminPass)
	_, page := get(t, admin, fx.ts.URL+"/account")
	resp, page := post(t, admin, fx.ts.URL+"/account/users", url.Values{"csrf": {csrfOf(t, page)}, "name": {"nina"}, "role": {"viewer"}})
	m := regexpPassword.FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("add user: %d\n%s", resp.StatusCode, page)
	}
	nina := fx.login(t, "nina", m[1])
	_, page = get(t, nina, fx.ts.URL+"/account")
	if strings.Contains(page, "Add user") {
		t.Error("a viewer is offered to add users")
	}
	resp, _ = post(t, nina, fx.ts.URL+"/account/users", url.Values{"csrf": {csrfOf(t, page)}, "name": {"x"}, "role": {"admin"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer adds a user: %d", resp.StatusCode)
	}
	form := url.Values{"csrf": {csrfOf(t, page)}, "current": {m[1]}, "new": {"a new long password"}, "confirm": {"a new long password"}}
	if resp, _ := post(t, nina, fx.ts.URL+"/account/password", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("change password: %d", resp.StatusCode)
	}
	fx.login(t, "nina", "a new long password")
	_, page = get(t, nina, fx.ts.URL+"/account")
	form.Set("csrf", csrfOf(t, page))
	form.Set("current", "wrong")
	if resp, page := post(t, nina, fx.ts.URL+"/account/password", form); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "current password is wrong") {
		t.Errorf("password change without the current one: %d", resp.StatusCode)
	}
}

var regexpPassword = regexp.MustCompile(`id="new-password">([^<]+)<`)

// TestInvestigateManyRecords: with more records than a timeline shows, it
// shows the newest ones, found by reading the newest partitions only.
func TestInvestigateManyRecords(t *testing.T) {
	fx := newFixture(t, false)
	l, err := lake.Open(fx.lake, nil)
	if err != nil {
		t.Fatal(err)
	}
	const scanner = "192.0.2.1"
	for d, day := range []string{"2024-04-27", "2024-04-28", "2024-04-29", "2024-04-30"} {
		for _, acct := range []string{acctA, acctB} {
			var events []vigil.Event
			for i := range 60 {
				// A delivery date holds records of the day before too, as
				// late as the next date's earliest: the newest records
				// span three dates.
				at := time.Date(2024, 4, 26+d, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 48 * time.Minute)
				events = append(events, event(fmt.Sprintf("s-%s-%s-%02d", day, acct, i), at.Format(time.DateOnly), at.Format("15:04:05"),
					acct, "us-east-1", "DescribeInstances", "ec2.amazonaws.com", func(e *vigil.Event) { e.SourceIPAddress = scanner }))
			}
			writeEvents(t, l, vigil.Partition{Account: acct, Region: "us-east-1", Date: day}, events...)
		}
	}
	l.Close()
	code, body := fx.api(t, "GET", "/api/investigate?q="+scanner+"&since=2024-04-01", fx.viewerToken, nil)
	if code != 200 {
		t.Fatalf("%d %v", code, body)
	}
	var got []string
	for _, e := range body["entries"].([]any) {
		got = append(got, e.(map[string]any)["time"].(string))
	}
	eng, err := lake.OpenEngine(t.Context(), fx.lake)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	want, err := eng.Query(t.Context(), fmt.Sprintf("select eventtime from auditing.cloudtrail where sourceipaddress = '%s' order by eventtime desc", scanner), investigateLimit)
	if err != nil {
		t.Fatal(err)
	}
	var wantTimes []string
	for _, r := range want.Rows {
		t, _ := time.Parse(time.RFC3339, r[0].(string))
		wantTimes = append(wantTimes, t.UTC().Format(time.RFC3339))
	}
	if len(got) != investigateLimit || fmt.Sprint(body["limited"]) != "[CloudTrail]" {
		t.Fatalf("%d entries, limited %v", len(got), body["limited"])
	}
	for i := range got {
		if gt, _ := time.Parse(time.RFC3339, got[i]); gt.UTC().Format(time.RFC3339) != wantTimes[i] {
			t.Fatalf("entry %d at %s, want %s: not the newest records", i, got[i], wantTimes[i])
		}
	}
}

// TestNewestByDate: candidates are fetched a date at a time, newest
// first, until more than the limit, then one date more; the result is the
// newest records of those.
func TestNewestByDate(t *testing.T) {
	perDate := map[string]int{"2024-05-01": 50, "2024-05-02": 150, "2024-05-03": 120, "2024-05-04": 30}
	var cands []vigil.Partition
	for d := range perDate {
		cands = append(cands, vigil.Partition{Date: d, Account: "111122223333", Region: "us-east-1"}, vigil.Partition{Date: d, Account: "444455556666", Region: "us-east-1"})
	}
	var asked []string
	fetch := func(parts string) ([][]any, error) {
		var rows [][]any
		for d, n := range perDate {
			if !strings.Contains(parts, "'"+d+"'") {
				continue
			}
			asked = append(asked, d)
			for i := range min(n, investigateLimit+1) {
				rows = append(rows, []any{fmt.Sprintf("%sT%02d:%02d:00Z", d, i/60, i%60)})
			}
		}
		return rows, nil
	}
	var s Server
	rows, err := s.newestByDate(cands, fetch)
	if err != nil {
		t.Fatal(err)
	}
	// 05-04 (30) and 05-03 (150 in all) are not enough; 05-02 makes 300,
	// then 05-01 is the date more.
	if want := []string{"2024-05-04", "2024-05-03", "2024-05-02", "2024-05-01"}; !slices.Equal(asked, want) {
		t.Errorf("fetched dates %v, want %v", asked, want)
	}
	if len(rows) != investigateLimit+1 || str(rows[0][0]) != "2024-05-04T00:29:00Z" {
		t.Fatalf("%d rows, first %v", len(rows), rows[0])
	}
	for i := 1; i < len(rows); i++ {
		if str(rows[i-1][0]) < str(rows[i][0]) {
			t.Fatalf("rows not newest first at %d", i)
		}
	}
	perDate["2024-05-04"] = 300 // enough at once: then one date more
	asked = nil
	if _, err := s.newestByDate(cands, fetch); err != nil || !slices.Equal(asked, []string{"2024-05-04", "2024-05-03"}) {
		t.Errorf("fetched dates %v, %v", asked, err)
	}
}
