package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveRecord is one CloudTrail file with one event.
func serveRecord(id string) string {
	return `{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"` + id + `","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.9"}]}`
}

// serveProc is a vigil serve running in the test.
type serveProc struct {
	url    string
	out    *syncBuffer
	errOut *syncBuffer
	stop   func() int // stops it and returns the exit code
}

var serveListening = regexp.MustCompile(`Vigil console on (https?://[^ ]+) `)

// startServe runs vigil serve with args until the test stops it.
func startServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s := &serveProc{out: &syncBuffer{}, errOut: &syncBuffer{}}
	done := make(chan struct{})
	code := 0
	go func() {
		defer close(done)
		code = run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), s.out, s.errOut)
	}()
	s.stop = func() int { cancel(); <-done; return code }
	t.Cleanup(func() { s.stop() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := serveListening.FindStringSubmatch(s.out.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case <-done:
			t.Fatalf("serve exited %d: %s", code, s.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s %s", s.out.String(), s.errOut.String())
		}
	}
}

func serveGet(t *testing.T, c *http.Client, u, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func serveQuery(t *testing.T, base, token, sql string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"sql": sql})
	req, _ := http.NewRequestWithContext(t.Context(), "POST", base+"/api/query", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Rows  [][]any `json:"rows"`
		Error string  `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if out.Error != "" {
		return "error: " + out.Error
	}
	b, _ = json.Marshal(out.Rows)
	return string(b)
}

// TestServeBesideIngest runs the console beside vigil ingest --watch on the
// same lake: the admin password generated on first start, a token created
// while it runs, new data showing without a restart, revocation.
func TestServeBesideIngest(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(src, "a.json"), []byte(serveRecord("a")), 0o644)
	if code, _, stderr := runVigil(t, "ingest", "--lake", lk, src); code != 0 {
		t.Fatalf("ingest: %s", stderr)
	}
	t.Setenv("VIGIL_ADMIN_PASSWORD", "")
	s := startServe(t, "--lake", lk)
	m := regexp.MustCompile(`Its password, shown only now: (\S+)`).FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("no generated password in %q", s.out.String())
	}
	if b, _ := os.ReadFile(filepath.Join(lk, "_vigil", "console", "auth.json")); strings.Contains(string(b), m[1]) {
		t.Error("the password is stored in clear")
	}
	if info, err := os.Stat(filepath.Join(lk, "_vigil", "console", "auth.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("auth.json: %v %v", info, err)
	}

	// Pages need a sign-in, the API a token; health needs neither.
	if code, _ := serveGet(t, http.DefaultClient, s.url+"/api/health", ""); code != 200 {
		t.Errorf("health: %d", code)
	}
	if code, _ := serveGet(t, http.DefaultClient, s.url+"/api/findings", ""); code != 401 {
		t.Errorf("findings without a token: %d", code)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	code, page := serveGet(t, browser, s.url+"/findings", "")
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || tok == nil || !strings.Contains(page, `id="password"`) {
		t.Fatalf("signed out /findings: %d", code)
	}
	resp, err := browser.PostForm(s.url+"/login", url.Values{"csrf": {tok[1]}, "username": {"admin"}, "password": {m[1]}, "next": {"/findings"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Sign out") {
		t.Errorf("sign in with the generated password: %d", resp.StatusCode)
	}

	// A token made while the console runs works at once.
	code, token, stderr := runVigil(t, "token", "create", "--lake", lk, "--name", "ci")
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, "vigil_") || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("token create: %d %q %s", code, token, stderr)
	}
	if got := serveQuery(t, s.url, token, "select count(*) from auditing.cloudtrail"); got != "[[1]]" {
		t.Fatalf("count before: %s", got)
	}

	// New data lands while it runs (ingest --watch on the same lake).
	wctx, stopWatch := context.WithCancel(t.Context())
	watchDone := make(chan int, 1)
	go func() {
		watchDone <- run(wctx, []string{"ingest", "--lake", lk, "--watch", "--interval", "50ms", src}, io.Discard, io.Discard)
	}()
	os.WriteFile(filepath.Join(src, "b.json"), []byte(serveRecord("b")), 0o644)
	for deadline := time.Now().Add(20 * time.Second); serveQuery(t, s.url, token, "select count(*) from auditing.cloudtrail") != "[[2]]"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the console never showed the new event")
		}
	}
	stopWatch()
	if code := <-watchDone; code != 0 {
		t.Errorf("ingest --watch exit %d", code)
	}
	if got := serveQuery(t, s.url, token, "copy (select 1) to '"+filepath.Join(lk, "cloudtrail", "x.csv")+"'"); !strings.Contains(got, "refused by the SQL sandbox") {
		t.Errorf("COPY through the API: %s", got)
	}

	code, out, _ := runVigil(t, "token", "list", "--lake", lk)
	if code != 0 || !strings.Contains(out, "ci") || !strings.Contains(out, "viewer") || strings.Contains(out, token) {
		t.Errorf("token list: %d\n%s", code, out)
	}
	if code, _, _ := runVigil(t, "token", "create", "--lake", lk, "--name", "ci"); code != exitUsage {
		t.Errorf("duplicate token name: exit %d", code)
	}
	if code, _, _ := runVigil(t, "token", "revoke", "--lake", lk, "--name", "ci"); code != 0 {
		t.Errorf("revoke: exit %d", code)
	}
	if code, _ := serveGet(t, http.DefaultClient, s.url+"/api/findings", token); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exit %d: %s", code, s.errOut.String())
	}

	// The second start keeps the admin password.
	t.Setenv("VIGIL_ADMIN_PASSWORD", "another long password")
	s2 := startServe(t, "--lake", lk)
	if strings.Contains(s2.out.String(), "password") || !strings.Contains(s2.errOut.String(), "VIGIL_ADMIN_PASSWORD ignored") {
		t.Errorf("second start: %q %q", s2.out.String(), s2.errOut.String())
	}
}

// serveCert writes a certificate and key for 127.0.0.1.
func serveCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vigil test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeTLS(t *testing.T) {
	lk := t.TempDir()
	cert, key, pool := serveCert(t)
	t.Setenv("VIGIL_ADMIN_PASSWORD", "a long admin password")
	s := startServe(t, "--lake", lk, "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("url %s", s.url)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(s.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var login *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-vigil_login" {
			login = ck
		}
	}
	if resp.StatusCode != 200 || login == nil || !login.Secure || !login.HttpOnly || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("HTTPS sign-in page: %d, cookie %+v, HSTS %q", resp.StatusCode, login, resp.Header.Get("Strict-Transport-Security"))
	}
}

func TestServeUsageErrors(t *testing.T) {
	lk := t.TempDir()
	cert, key, _ := serveCert(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--lake is required"},
		{[]string{"serve", "--lake", filepath.Join(lk, "nope")}, "no such lake folder"},
		{[]string{"serve", "--lake", lk, "--addr", "0.0.0.0:0"}, "not a loopback address"},
		{[]string{"serve", "--lake", lk, "--addr", ":8080"}, "not a loopback address"},
		{[]string{"serve", "--lake", lk, "--addr", "10.1.2.3:8080", "--tls-cert", cert}, "go together"},
		{[]string{"serve", "--lake", lk, "--addr", "nonsense"}, "want host:port"},
		{[]string{"serve", "--lake", lk, "--tls-cert", key, "--tls-key", cert}, "--tls-cert/--tls-key"},
	} {
		code, _, stderr := runVigil(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(lk, "_vigil", "console", "auth.json")); err == nil {
		t.Error("a refused start created the admin account")
	}
}
