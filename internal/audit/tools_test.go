package audit

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// TestToolFailure: a tool that exits non-zero is reported with its status
// and log, and its environment carries only the account's session.
func TestToolFailure(t *testing.T) {
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "prowler"), []byte("#!/bin/sh\nenv > \"$PWD/env.txt\"\necho boom >&2\nexit 3\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AWS_PROFILE", "admin")
	tools, err := lookTools([]string{"Prowler"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o := &Options{ToolDir: dir, GlobalRegion: "eu-west-1"}
	creds := aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("ASIAEXAMPLE", "secret", "token"))
	err = tools[0].run(t.Context(), o, "111122223333", creds, []string{"eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), "exited with status 3") || !strings.Contains(err.Error(), filepath.Join("prowler", "111122223333.log")) {
		t.Fatalf("err = %v", err)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "prowler", "111122223333.log"))
	if !strings.Contains(string(log), "boom") {
		t.Errorf("tool output not kept: %q", log)
	}
	env, _ := os.ReadFile(filepath.Join(dir, "prowler", "111122223333", "env.txt"))
	lines := strings.Split(string(env), "\n")
	for _, want := range []string{"AWS_ACCESS_KEY_ID=ASIAEXAMPLE", "AWS_SESSION_TOKEN=token", "AWS_DEFAULT_REGION=eu-west-1"} {
		if !slices.Contains(lines, want) {
			t.Errorf("tool environment lacks %s", want)
		}
	}
	if slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "AWS_PROFILE=") }) {
		t.Error("tool environment keeps AWS_PROFILE, another credential source")
	}
}
