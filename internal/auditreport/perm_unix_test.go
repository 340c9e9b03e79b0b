//go:build unix

package auditreport

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWritePermissions(t *testing.T) {
	old := syscall.Umask(0) // a permissive umask must not widen the modes
	defer syscall.Umask(old)
	parent := t.TempDir()
	dir := filepath.Join(parent, "reports", "run")
	if err := os.MkdirAll(dir, 0o777); err != nil { // pre-existing, too open
		t.Fatal(err)
	}
	if _, err := Write(dir, sampleRun(), nil); err != nil {
		t.Fatal(err)
	}
	var n int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("%s: temporary file left behind", p)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Errorf("walked %d entries, want the directory, compliance/ and 8 files", n)
	}
}
