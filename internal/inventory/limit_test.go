package inventory

import (
	"context"
	"testing"
	"time"
)

// TestServiceLimiter: calls to one service are spaced by the rate; the
// bound is a lower one, which a slow machine cannot break.
func TestServiceLimiter(t *testing.T) {
	l := &serviceLimiter{perSecond: 50, next: map[string]time.Time{}}
	start := time.Now()
	for range 6 {
		if err := l.wait(context.Background(), "ec2"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("6 calls at 50/s took %v, want at least 100ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		l.wait(context.Background(), "iam")
	}
	if err := l.wait(ctx, "iam"); err == nil {
		t.Error("a cancelled wait returned no error")
	}
	var none *serviceLimiter
	if err := none.wait(ctx, "s3"); err != nil {
		t.Errorf("no limiter: %v", err)
	}
}
