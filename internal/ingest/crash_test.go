package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/lake"
)

// TestMain lets the test binary act as an ingest process that the crash
// test kills with SIGKILL.
func TestMain(m *testing.M) {
	if spec := os.Getenv("VIGIL_TEST_INGEST_CHILD"); spec != "" {
		lakeDir, src, _ := strings.Cut(spec, "|")
		l, err := lake.Open(lakeDir, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_, err = Dir(context.Background(), l, []string{src}, Options{Compact: true, CommitEvents: 300, Workers: 2})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKillAndRerun kills ingest processes with SIGKILL at random moments,
// then runs to completion and requires every event exactly once.
func TestKillAndRerun(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	total := 0
	for a, account := range []string{"111122223333", "444455556666"} {
		for r, region := range []string{"us-east-1", "eu-west-1"} {
			for d := 1; d <= 5; d++ {
				for f := 0; f < 12; f++ {
					n := 20 + (a*7+r*5+d*3+f)%40
					writeCT(t, src, ctFile{account: account, region: region, day: fmt.Sprintf("2020/10/%02d", d), n: n, first: total})
					total += n
				}
			}
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	killed, completed := 0, false
	var progress []int // inputs recorded after each kill
	for i := 0; i < 40 && !completed; i++ {
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_INGEST_CHILD="+lk+"|"+src)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(10+rng.IntN(150)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child run %d: %v", i, err)
			}
			completed = true
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
			b, _ := os.ReadFile(lk + "/_vigil/sources.log")
			progress = append(progress, strings.Count(string(b), "\n"))
		}
	}
	t.Logf("killed %d runs before one completed; inputs committed after each kill: %v", killed, progress)
	if killed < 3 {
		t.Errorf("only %d runs were killed: the test did not exercise interruption", killed)
	}
	if _, err := ingestDir(t, lk, src); err != nil {
		t.Fatal(err)
	}
	n, distinct := countEvents(t, lk)
	if n != int64(total) || distinct != int64(total) {
		t.Fatalf("lake has %d events (%d distinct), want exactly %d", n, distinct, total)
	}
	if s, err := ingestDir(t, lk, src); err != nil || s.Files != 0 {
		t.Errorf("final re-run ingested %+v (%v), want nothing", s, err)
	}
}
