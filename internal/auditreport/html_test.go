package auditreport

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readIndex(t *testing.T, r *Run) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := Write(dir, r, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// between returns the text between the first open and the next close after it.
func between(t *testing.T, s, open, close string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		t.Fatalf("no %q in index.html", open)
	}
	in, _, ok := strings.Cut(rest, close)
	if !ok {
		t.Fatalf("no %q after %q in index.html", close, open)
	}
	return in
}

func TestHTMLEscaping(t *testing.T) {
	page := readIndex(t, sampleRun())
	if strings.Contains(page, "<img") {
		t.Error("index.html holds an <img> tag: a hostile name became markup")
	}
	if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
		t.Errorf("%d </script sequences, want the 2 closing tags only", n)
	}
	if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
		t.Errorf("%d <script sequences, want the 2 scripts only", n)
	}
	if !strings.Contains(page, "dev &lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the hostile account name is not HTML-escaped in the summary")
	}
	// The data island is JSON that decodes back to the hostile names.
	var data struct {
		Rows [][]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(between(t, page, `<script type="application/json" id="vigil-data">`, "</script>")), &data); err != nil {
		t.Fatalf("data island: %v", err)
	}
	names := map[any]bool{}
	for _, r := range data.Rows {
		names[r[6]] = true
	}
	if !names[xssName] || !names[xssScript] {
		t.Errorf("data island lost the hostile resource names: %v", names)
	}
}

// TestHTMLSelfContained checks that the page loads nothing and that its
// Content-Security-Policy admits exactly its own style and script.
func TestHTMLSelfContained(t *testing.T) {
	page := readIndex(t, sampleRun())
	for _, ref := range regexp.MustCompile(`(?i)(src|href|action)\s*=\s*"[^"#][^"]*"|url\(|@import`).FindAllString(page, -1) {
		t.Errorf("index.html refers to another resource: %s", ref)
	}
	csp := between(t, page, `<meta http-equiv="Content-Security-Policy" content="`, `"`)
	csp = html.UnescapeString(csp)
	if !strings.HasPrefix(csp, "default-src 'none';") {
		t.Errorf("CSP %q does not deny by default", csp)
	}
	style := between(t, page, "<style>", "</style>")
	script := between(t, page, "<script>", "</script>")
	if style != pageCSS || script != pageJS {
		t.Error("the inline style or script differs from the assets: the template escaped them")
	}
	for _, want := range []string{"style-src " + cspHash(style) + ";", "script-src " + cspHash(script) + ";"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
}

func TestHTMLEmptyRun(t *testing.T) {
	page := readIndex(t, &Run{ID: "empty", Finished: t0})
	for _, want := range []string{"Results (0)", "No control fails.", `{"rows":[` + "\n" + `],"accounts":[]`} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
}

// FuzzAppendJSONString checks the data island's string encoder against
// encoding/json: same decoded text, and nothing that could end a <script>.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", xssName, xssScript, "<!--", "a\u2028b\u2029c", "\x00\x1f\t\n\r\"\\", "bad \xff\xfe utf8", "日本語 ✓"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := appendJSONString(nil, s)
		if strings.ContainsAny(string(enc), "<>&\u2028\u2029") {
			t.Fatalf("%q encodes to %s, which a <script> element cannot hold", s, enc)
		}
		var got, want string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, enc, err)
		}
		ref, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q decodes to %q, encoding/json gives %q", s, got, want)
		}
	})
}
