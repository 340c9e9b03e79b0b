package report

import (
	"bytes"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() ([]string, [][]any) {
	cols := []string{"eventname", "n", "ratio", "ok", "at", "identity", "resources", "note"}
	rows := [][]any{
		{"ConsoleLogin", int64(3), 0.5, true, time.Date(2020, 10, 23, 10, 0, 1, 0, time.UTC),
			map[string]any{"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
			[]any{map[string]any{"arn": "arn:aws:s3:::b"}}, "데이터, \"quoted\"\nnext line"},
		{"GetObject", big.NewInt(12345678901234), nil, false, time.Date(2020, 10, 23, 0, 0, 0, 0, time.UTC), nil, []any{}, nil},
	}
	return cols, rows
}

func TestWriteRowsGolden(t *testing.T) {
	cols, rows := sample()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteRows(&buf, format, cols, rows); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "rows."+format+".golden")
			if *update {
				os.WriteFile(golden, buf.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("%s output differs from %s:\n%s", format, golden, buf.String())
			}
		})
	}
}

func TestWriteRowsUnknownFormat(t *testing.T) {
	if err := WriteRows(&bytes.Buffer{}, "xml", nil, nil); err == nil {
		t.Fatal("no error for an unknown format")
	}
}
