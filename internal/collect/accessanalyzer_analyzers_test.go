package collect_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// analyzerServer speaks Access Analyzer's REST-JSON ListAnalyzers
// (GET /analyzer?nextToken=…) with two pages; other requests get 404.
func analyzerServer(t *testing.T, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	pages := map[string]string{
		"": `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external","name":"external","type":"ACCOUNT",` +
			`"status":"ACTIVE","createdAt":"2026-10-01T08:00:00Z","tags":{"team":"sec"}}],"nextToken":"page2"}`,
		"page2": `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused","name":"unused","type":"ACCOUNT_UNUSED_ACCESS",` +
			`"status":"CREATING","createdAt":"2026-10-02T08:00:00Z"}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/analyzer" || !strings.Contains(r.Header.Get("Authorization"), "/access-analyzer/aws4_request") {
			http.NotFound(w, r)
			return
		}
		calls.Add(1)
		body, ok := pages[r.URL.Query().Get("nextToken")]
		if !ok {
			w.Header().Set("X-Amzn-Errortype", "ValidationException")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"message": "bad token"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAccessAnalyzerCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)

	// moto does not implement Access Analyzer: a gap naming the call.
	snap := env.Collect(t, []string{"us-east-1"}, "accessanalyzer")
	assertCallsDeclared(t, snap, "accessanalyzer")
	gaps := collecttest.Gaps(snap)
	if len(collecttest.Of(snap, collect.TypeAccessAnalyzer)) != 0 || len(gaps) != 1 ||
		gaps[0].ResourceName != collect.TypeAccessAnalyzer || gaps[0].Errors[0].Permission != "access-analyzer:ListAnalyzers" {
		t.Fatalf("moto: gaps %+v", gaps)
	}

	// The real protocol, from a server of our own, over two pages.
	var calls atomic.Int32
	srv := analyzerServer(t, &calls)
	cfg, err := awsapi.Config(t.Context(), awsapi.Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = env.Config.Credentials
	snap, err = inventory.Collect(t.Context(), inventory.Options{AWS: cfg, Account: collecttest.Account, Regions: []string{"us-east-1"},
		Collectors: []string{"accessanalyzer"}, Now: collecttest.Now})
	if err != nil {
		t.Fatal(err)
	}
	items := collecttest.Of(snap, collect.TypeAccessAnalyzer)
	if len(items) != 2 || calls.Load() != 2 {
		t.Fatalf("%d analyzers in %d calls, want 2 in 2: %+v", len(items), calls.Load(), items)
	}
	ext := items[0]
	if ext.ResourceName != "external" {
		ext = items[1]
	}
	for _, tc := range []struct{ key, want string }{{"name", "external"}, {"type", "ACCOUNT"}, {"status", "ACTIVE"}, {"createdAt", "2026-10-01T08:00:00Z"}} {
		if got := inventory.Str(ext.Conf(), tc.key); got != tc.want {
			t.Errorf("%s = %q, want %q in %s", tc.key, got, tc.want, ext.Configuration)
		}
	}
	if ext.ARN != "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external" || ext.Tags["team"] != "sec" || ext.Region != "us-east-1" {
		t.Errorf("analyzer item %+v", ext)
	}
}
