package awsfake

import (
	"net/http"
	"testing"
)

func TestStartMotoMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := startMoto(); err == nil || err.Error() != MissingMoto {
		t.Errorf("startMoto without moto_server on PATH: %v", err)
	}
}

func TestStartMoto(t *testing.T) {
	endpoint := StartMoto(t)
	resp, err := http.Get(endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("moto answered %d", resp.StatusCode)
	}
	Reset(t, endpoint)
	if s1, s2 := SharedMoto(t), SharedMoto(t); s1 == endpoint || s1 != s2 {
		t.Error("SharedMoto: want one server per test binary, not the test's own")
	}
}
