package awsfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// MissingMoto is the message of the test failure when moto_server is not
// installed.
const MissingMoto = "moto_server not found: install moto[server] (pip install 'moto[server]')"

// startTimeout bounds how long moto_server may take to answer.
const startTimeout = 60 * time.Second

// StartMoto starts a moto_server of its own for t, on a free loopback
// port, and returns its endpoint URL (http://127.0.0.1:PORT). The server is
// killed when t ends. It fails t if moto_server is missing or does not
// start.
func StartMoto(t testing.TB) string {
	t.Helper()
	m, err := startMoto()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.stop)
	return m.endpoint
}

var shared struct {
	once sync.Once
	m    *moto
	err  error
}

// SharedMoto returns the endpoint of the test binary's moto_server, started
// on first use and shared by the tests of one package (each package's test
// binary has its own). It lives until the test binary exits (on Linux the
// kernel kills it then, even after a crash). Tests sharing it should use
// their own bucket, queue and group names, or call Reset and not run in
// parallel.
func SharedMoto(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.m, shared.err = startMoto() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.m.endpoint
}

// Reset clears the state of the moto_server at endpoint.
func Reset(t testing.TB, endpoint string) {
	t.Helper()
	resp, err := http.Post(endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: HTTP %d", resp.StatusCode)
	}
}

type moto struct {
	endpoint string
	cmd      *exec.Cmd
	exited   chan struct{}
}

func startMoto() (*moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, errors.New(MissingMoto)
	}
	// The port is free when chosen but could be taken before moto binds
	// it: try again with another one.
	for attempt := 1; ; attempt++ {
		m, err := tryStart(path)
		if err == nil || attempt == 3 {
			return m, err
		}
	}
}

func tryStart(path string) (*moto, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	out := &tail{max: 16 << 10}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	// moto gives every account ~2,000 public AMIs and their snapshots by
	// default; no test or demo needs them, and per-snapshot calls over them
	// would dominate every collection. A caller that wants them sets the
	// variable itself.
	cmd.Env = os.Environ()
	if os.Getenv("MOTO_EC2_LOAD_DEFAULT_AMIS") == "" {
		cmd.Env = append(cmd.Env, "MOTO_EC2_LOAD_DEFAULT_AMIS=false")
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	m := &moto{endpoint: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(m.exited) }()

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.endpoint+"/moto-api/data.json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return m, nil
		}
		select {
		case <-m.exited:
			return nil, fmt.Errorf("moto_server exited at start: %s", out)
		case <-ctx.Done():
			m.stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within %s: %s", m.endpoint, startTimeout, out)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (m *moto) stop() {
	m.cmd.Process.Kill()
	<-m.exited
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written to it: moto logs every request.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// Launch starts a moto_server on a free loopback port outside of tests
// (vigil demo) and returns its endpoint and the function that stops it.
// The error names what to install when moto_server is missing.
func Launch() (endpoint string, stop func(), err error) {
	m, err := startMoto()
	if err != nil {
		return "", nil, err
	}
	return m.endpoint, m.stop, nil
}

// Available reports whether moto_server is on the PATH.
func Available() bool {
	_, err := exec.LookPath("moto_server")
	return err == nil
}
