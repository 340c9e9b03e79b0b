package console

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h := hashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || h == hashPassword("correct horse battery") {
		t.Errorf("hash %s: want argon2id with a random salt", h)
	}
	for _, tc := range []struct {
		hash, password string
		want           bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"", "x", false},
		{"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$a2V5", "x", false}, // a cost too high is refused, not computed
		{"$bcrypt$whatever", "x", false},
	} {
		if got := verifyPassword(tc.hash, tc.password); got != tc.want {
			t.Errorf("verify(%.30q, %q) = %v", tc.hash, tc.password, got)
		}
	}
}

func TestAuthStore(t *testing.T) {
	lk := t.TempDir()
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	a, err := OpenAuth(lk)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.EnsureAdmin("short", now); err == nil {
		t.Error("a short admin password was accepted")
	}
	created, generated, err := a.EnsureAdmin("", now)
	if err != nil || !created || len(generated) < MinPasswordLength {
		t.Fatalf("first start: %v %q %v", created, generated, err)
	}
	if created, again, err := a.EnsureAdmin("another long password", now); err != nil || created || again != "" {
		t.Errorf("second start: %v %q %v", created, again, err)
	}
	if _, ok := a.Login(AdminUser, generated); !ok {
		t.Error("the generated password does not sign in")
	}
	if _, ok := a.Login("nobody", generated); ok {
		t.Error("an unknown user signed in")
	}
	// Another process (vigil token) changes the file: this one sees it.
	other, err := OpenAuth(lk)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := other.CreateToken("ci", RoleViewer, now)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // a distinct modification time
	if got, ok := a.checkToken(tok); !ok || got.Name != "ci" || got.Role != RoleViewer {
		t.Errorf("token made elsewhere: %+v %v", got, ok)
	}
	for _, bad := range []string{"", "vigil_", tok + "x", strings.TrimPrefix(tok, TokenPrefix)} {
		if _, ok := a.checkToken(bad); ok {
			t.Errorf("token %q accepted", bad)
		}
	}
	if err := other.RevokeToken("ci"); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.checkToken(tok); ok {
		t.Error("a revoked token still works")
	}
	if err := a.AddUser("../etc", RoleViewer, "long enough password", now); err == nil {
		t.Error("a bad user name was accepted")
	}
	if err := a.AddUser("Admin", RoleViewer, "long enough password", now); err == nil {
		t.Error("a user name differing only in case was accepted")
	}
}

func TestLimiter(t *testing.T) {
	var l limiter
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxFailuresPerIP {
		if blocked, _ := l.blocked("ip:x", maxFailuresPerIP, now); blocked {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("ip:x", now.Add(time.Duration(i)*time.Minute))
	}
	now = now.Add(5 * time.Minute)
	blocked, wait := l.blocked("ip:x", maxFailuresPerIP, now)
	if !blocked || wait != loginWindow-5*time.Minute {
		t.Errorf("after %d failures: blocked %v, wait %s", maxFailuresPerIP, blocked, wait)
	}
	if blocked, _ := l.blocked("ip:y", maxFailuresPerIP, now); blocked {
		t.Error("another address is blocked")
	}
	if blocked, _ := l.blocked("ip:x", maxFailuresPerIP, now.Add(loginWindow)); blocked {
		t.Error("still blocked once the failures are old")
	}
	l.reset("ip:x")
	if blocked, _ := l.blocked("ip:x", maxFailuresPerIP, now); blocked {
		t.Error("blocked after a reset")
	}
}
