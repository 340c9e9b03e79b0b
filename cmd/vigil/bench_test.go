package main

import (
	"strings"
	"testing"
)

// TestBenchDetectSmoke runs vigil bench detect on a tiny organization: it
// measures every step and the end-to-end command without error. (The
// figures themselves are the machine's; nothing here times anything.)
func TestBenchDetectSmoke(t *testing.T) {
	code, out, stderr := runVigil(t, "bench", "detect", "--events", "4000", "--records", "1000", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"detection overhead on ingest:", "cloudtrail scan alone, every column", "cloudtrail scan + detect",
		"flow-log scan + detect", "vigil detect --lake (end to end", "detection state:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
