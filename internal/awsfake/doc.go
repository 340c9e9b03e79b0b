// Package awsfake runs a local AWS for tests: moto_server (the moto
// project's server mode, which speaks the real wire protocols) and
// FaultProxy, a reverse proxy in front of it that injects throttling,
// latency and broken downloads. Tests drive the unmodified AWS SDK against
// them through an endpoint override.
//
// moto_server is a Python program (pip install 'moto[server]'); tests that
// need it fail, rather than skip, when it is missing, so that a green run
// means the AWS paths were exercised.
//
// Main entry points: StartMoto, SharedMoto, Reset, NewFaultProxy.
package awsfake
