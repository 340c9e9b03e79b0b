package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/console"
)

func TestToken(t *testing.T) {
	lk := t.TempDir()
	code, viewer, stderr := runVigil(t, "token", "create", "--lake", lk, "--name", "siem")
	if code != 0 || !strings.HasPrefix(viewer, console.TokenPrefix) || !strings.Contains(stderr, `viewer token "siem"`) {
		t.Fatalf("create: %d %q %q", code, viewer, stderr)
	}
	code, admin, _ := runVigil(t, "token", "create", "--lake", lk, "--name", "bot", "--role", "admin")
	if code != 0 || admin == viewer {
		t.Fatalf("create admin: %d", code)
	}
	code, out, _ := runVigil(t, "token", "list", "--lake", lk)
	if code != 0 || !strings.Contains(out, "siem") || !strings.Contains(out, "admin") || strings.Contains(out, strings.TrimSpace(viewer)) {
		t.Errorf("list: %d\n%s", code, out)
	}
	if code, _, _ := runVigil(t, "token", "revoke", "--lake", lk, "--name", "siem"); code != 0 {
		t.Errorf("revoke: %d", code)
	}
	auth, err := console.OpenAuth(lk)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.Tokens()
	if err != nil || len(tokens) != 1 || tokens[0].Name != "bot" || tokens[0].Role != console.RoleAdmin || tokens[0].Hash != "" {
		t.Errorf("tokens after revoke: %+v %v", tokens, err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "create", "--lake", lk}, "--name is required"},
		{[]string{"token", "create", "--lake", lk, "--name", "x", "--role", "root"}, "want viewer or admin"},
		{[]string{"token", "create", "--name", "x"}, "--lake is required"},
		{[]string{"token", "create", "--lake", filepath.Join(lk, "typo"), "--name", "x"}, "no such lake folder"},
		{[]string{"token", "create", "--lake", lk, "--name", "bad name!"}, "token name"},
		{[]string{"token", "create", "--lake", lk, "--name", "BOT"}, "exists already"},
		{[]string{"token", "revoke", "--lake", lk, "--name", "nope"}, "not found"},
	} {
		code, _, stderr := runVigil(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}
