// Package console is Vigil's web console (vigil serve): pages rendered on
// the server from embedded templates, static assets embedded too, and a
// JSON API under /api/, over one local lake.
//
// It reads the lake only through a lake.Sandbox, for its own queries as
// for the SQL users type, so that no request reaches beyond the lake's
// tables; it never takes the lake's writer lock and runs beside vigil
// ingest --watch, caching what is costly until the lake changes. It keeps
// its own state in <lake>/_vigil/console/: the accounts and API token
// hashes (Auth), the triage decisions and suppression rules (package
// triage) and the query history.
//
// Main types: Server (an http.Handler, built by New from Options) and Auth
// (the credential store, also used by vigil token). The console does not
// terminate TLS or listen itself: cmd/vigil does.
package console
