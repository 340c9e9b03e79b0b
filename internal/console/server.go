package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Options configure a console Server.
type Options struct {
	// Lake is the lake directory (local).
	Lake string
	// Reports is the folder of audit runs, reports/<run-id>/index.html
	// ("" when there is none).
	Reports string
	// Sandbox answers every query the console makes; it must be opened
	// over Lake.
	Sandbox *lake.Sandbox
	// Auth holds the accounts and API tokens.
	Auth *Auth
	// TLS is set when the console is served over HTTPS: cookies are then
	// Secure (and __Host- prefixed) and responses carry HSTS.
	TLS bool
	// DownloadRows caps the rows of a CSV or JSON download (default
	// 1 000 000); pages show at most the sandbox's MaxRows.
	DownloadRows int
	// Log receives request and error logs; nil discards them.
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is the web console: pages, the JSON API and static assets. It is
// an http.Handler.
type Server struct {
	o     Options
	data  *store
	sess  sessions
	lim   limiter
	pages *pages
	mux   *http.ServeMux
	log   *slog.Logger

	history      history
	reportCounts reportCounts
	terms        lake.TermIndex // the cloudtrail files' terms, for Investigate
}

// New returns a console over o.Lake.
func New(o Options) (*Server, error) {
	if o.Sandbox == nil || o.Auth == nil || o.Lake == "" {
		return nil, errors.New("console: Lake, Sandbox and Auth are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DownloadRows <= 0 {
		o.DownloadRows = 1_000_000
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, data: &store{dir: o.Lake, sb: o.Sandbox}, pages: p, log: o.Log.With(vigil.LogKeyComponent, "console")}
	s.routes()
	return s, nil
}

// Warm reads what the first searches would otherwise wait for: the terms
// index of the files in Investigate's default window. Run it in its own
// goroutine when serving starts.
func (s *Server) Warm() {
	since := s.o.Now().UTC().AddDate(0, 0, -investigateDays).Format(time.DateOnly)
	if _, err := s.terms.Lookup(s.o.Lake, since, "9999-12-31", ""); err != nil {
		s.log.Warn("reading the terms index", "error", err)
	}
}

// principal is who a request acts as.
type principal struct {
	user string
	role Role
	// csrf is the session's anti-forgery token ("" for API tokens, which
	// browsers never send by themselves).
	csrf  string
	token bool
}

type ctxKey struct{}

func who(r *http.Request) principal {
	p, _ := r.Context().Value(ctxKey{}).(principal)
	return p
}

// access is what a route needs.
type access int

const (
	public access = iota // no sign-in (login, health, static assets)
	viewer
	admin
)

func (s *Server) routes() {
	m := http.NewServeMux()
	page := func(pattern string, need access, h http.HandlerFunc) { m.Handle(pattern, s.pageAuth(need, h)) }
	api := func(pattern string, need access, h http.HandlerFunc) { m.Handle(pattern, s.apiAuth(need, h)) }

	m.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	page("POST /logout", viewer, s.logout)

	page("GET /{$}", viewer, s.overviewPage)
	page("GET /findings", viewer, s.findingsPage)
	page("GET /findings/{id}", viewer, s.findingPage)
	page("POST /findings/{id}/archive", admin, s.archive(true))
	page("POST /findings/{id}/unarchive", admin, s.archive(false))
	page("GET /suppressions", viewer, s.suppressionsPage)
	page("POST /suppressions", admin, s.createSuppression)
	page("POST /suppressions/delete", admin, s.deleteSuppression)
	page("GET /compliance", viewer, s.compliancePage)
	page("GET /compliance/check", viewer, s.checkPage)
	page("GET /resource", viewer, s.resourcePage)
	page("GET /sql", viewer, s.sqlPage)
	page("GET /sql/download", viewer, s.sqlDownload)
	page("GET /investigate", viewer, s.investigatePage)
	page("GET /reports", viewer, s.reportsPage)
	page("GET /reports/{run}/{file...}", viewer, s.reportFile)
	page("GET /account", viewer, s.accountPage)
	page("POST /account/password", viewer, s.changePassword)
	page("POST /account/users", admin, s.addUser)

	m.HandleFunc("GET /api/health", s.apiHealth)
	api("GET /api/findings", viewer, s.apiFindings)
	api("GET /api/findings/{id}", viewer, s.apiFinding)
	api("POST /api/findings/{id}/archive", admin, s.apiArchive(true))
	api("POST /api/findings/{id}/unarchive", admin, s.apiArchive(false))
	api("GET /api/compliance", viewer, s.apiCompliance)
	api("POST /api/query", viewer, s.apiQuery)
	api("GET /api/investigate", viewer, s.apiInvestigate)
	api("GET /api/suppressions", viewer, s.apiSuppressions)
	api("POST /api/suppressions", admin, s.apiCreateSuppression)
	api("DELETE /api/suppressions/{name}", admin, s.apiDeleteSuppression)
	m.Handle("/api/", s.apiAuth(viewer, func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path)
	}))
	s.mux = m
}

// ServeHTTP serves one request, with the security headers every response
// carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.o.TLS {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rw, r)
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rw.status, "duration_ms", time.Since(start).Milliseconds())
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Cookie names; under TLS the __Host- prefix pins them to this origin.
func (s *Server) cookieName(base string) string {
	if s.o.TLS {
		return "__Host-" + base
	}
	return base
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.o.TLS, SameSite: http.SameSiteLaxMode})
}

// session returns the signed-in user of a request, if any.
func (s *Server) session(r *http.Request) (principal, string, bool) {
	c, err := r.Cookie(s.cookieName("vigil_session"))
	if err != nil || c.Value == "" {
		return principal{}, "", false
	}
	ss, ok := s.sess.get(c.Value, s.o.Now())
	if !ok {
		return principal{}, "", false
	}
	u, ok := s.o.Auth.lookupUser(ss.user)
	if !ok {
		s.sess.delete(c.Value)
		return principal{}, "", false
	}
	return principal{user: u.Name, role: u.Role, csrf: ss.csrf}, c.Value, true
}

// pageAuth requires a signed-in user with the access needed; state
// changes also need the session's CSRF token and, when the browser sends
// one, a same-origin Origin header.
func (s *Server) pageAuth(need access, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _, ok := s.session(r)
		if !ok {
			if r.Method != http.MethodGet {
				s.errorPage(w, r, http.StatusUnauthorized, "Your session has ended: sign in again.")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, p))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameOrigin(r) || !validCSRF(r, p.csrf) {
				s.errorPage(w, r, http.StatusForbidden, "The form's anti-forgery (CSRF) token is missing or invalid: reload the page and try again.")
				return
			}
		}
		if need == admin && p.role != RoleAdmin {
			s.errorPage(w, r, http.StatusForbidden, "Only admins may do this.")
			return
		}
		h(w, r)
	})
}

func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sameOrigin rejects a cross-site request that announces its origin.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// apiAuth requires an API token (Authorization: Bearer) with the access
// needed.
func (s *Server) apiAuth(need access, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		t, ok := s.o.Auth.checkToken(strings.TrimSpace(token))
		if !strings.EqualFold(scheme, "Bearer") || !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
			apiError(w, http.StatusUnauthorized, "missing or invalid API token (Authorization: Bearer <token>; create one with vigil token create)")
			return
		}
		if need == admin && t.Role != RoleAdmin {
			apiError(w, http.StatusForbidden, "token "+t.Name+" is a viewer token: this needs an admin token")
			return
		}
		p := principal{user: "token:" + t.Name, role: t.Role, token: true}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p)))
	})
}

// clientIP is the address a request came from (X-Forwarded-For is not
// trusted: the console is no proxy's backend by default).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext returns a local path to go to after signing in.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.session(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "")
}

// renderLogin shows the sign-in form with a fresh login CSRF token
// (double-submit: a cookie and the same value in the form).
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok := newID()
	s.setCookie(w, "vigil_login", tok, 3600)
	s.render(w, r, status, "login", map[string]any{"Next": safeNext(r.FormValue("next")), "LoginCSRF": tok, "Error": msg})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	c, err := r.Cookie(s.cookieName("vigil_login"))
	form := r.PostFormValue("csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 || !sameOrigin(r) {
		s.errorPage(w, r, http.StatusForbidden, "The sign-in form's anti-forgery (CSRF) token is missing or invalid: reload the page and try again.")
		return
	}
	name, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	ipKey, userKey := "ip:"+clientIP(r), "user:"+strings.ToLower(name)
	blockedIP, waitIP := s.lim.blocked(ipKey, maxFailuresPerIP, now)
	blockedUser, waitUser := s.lim.blocked(userKey, maxFailuresPerKey, now)
	if blockedIP || blockedUser {
		wait := max(waitIP, waitUser)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		s.log.Warn("sign-in rate limited", "user", name, "client", clientIP(r))
		s.renderLogin(w, r, http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins: try again in %s.", wait.Round(time.Second)))
		return
	}
	u, ok := s.o.Auth.Login(name, password)
	if !ok {
		s.lim.fail(ipKey, now)
		s.lim.fail(userKey, now)
		s.log.Warn("sign-in failed", "user", name, "client", clientIP(r))
		s.renderLogin(w, r, http.StatusUnauthorized, "Wrong user name or password.")
		return
	}
	s.lim.reset(ipKey)
	s.lim.reset(userKey)
	s.setCookie(w, "vigil_login", "", -1)
	s.setCookie(w, "vigil_session", s.sess.create(u.Name, now), int(maxSession.Seconds()))
	s.log.Info("signed in", "user", u.Name, "client", clientIP(r))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if _, id, ok := s.session(r); ok {
		s.sess.delete(id)
	}
	s.setCookie(w, "vigil_session", "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
