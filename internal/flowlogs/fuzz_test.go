package flowlogs

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// FuzzReader checks that the reader never panics, always terminates (each
// call to Next consumes a line or stops), and returns only records whose
// fields come from the format and the input.
func FuzzReader(f *testing.F) {
	files, err := filepath.Glob("testdata/*.log")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("- eni-1 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n"), "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}")
	f.Add([]byte("2020-10-23T10:00:00Z us-east-1 use1-az1\n"), "region az-id")
	f.Add([]byte("\xef\xbb\xbfversion\n2\n\n3 \r\n-\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, formatStr string) {
		var format []vigil.FlowField
		if formatStr != "" {
			if f, err := ParseFormat(formatStr); err == nil {
				format = f
			}
		}
		r := NewReader(bytes.NewReader(data), format)
		maxCalls := bytes.Count(data, []byte{'\n'}) + 2
		for calls := 1; ; calls++ {
			if calls > maxCalls {
				t.Fatalf("more than %d calls to Next for %d lines", maxCalls, maxCalls-2)
			}
			var rec vigil.FlowRecord
			err := r.Next(&rec)
			if err != nil {
				if errors.Is(err, vigil.ErrMalformedRecord) && !errors.Is(err, vigil.ErrMalformedInput) {
					if !strings.HasPrefix(err.Error(), "line ") {
						t.Fatalf("record error without its line: %v", err)
					}
					continue
				}
				if again := r.Next(&rec); again != err {
					t.Fatalf("Next after %v = %v", err, again)
				}
				return
			}
			checkRecord(t, &rec)
			var inFormat uint64
			for _, f := range r.Format() {
				inFormat |= 1 << f
			}
			if rec.Present&^inFormat != 0 {
				t.Fatalf("fields %#x present but not in the format %v", rec.Present&^inFormat, r.Format())
			}
			for f := range vigil.NumFlowFields {
				if s := rec.Str[f]; s != "" && (strings.ContainsAny(s, " \t\n") || !bytes.Contains(data, []byte(s))) {
					t.Fatalf("%s = %q: not a field of the input", vigil.FlowFieldNames[f], s)
				}
			}
		}
	})
}

func FuzzParseFormat(f *testing.F) {
	f.Add("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status")
	f.Add("${version} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr}")
	f.Add(strings.Join(vigil.FlowFieldNames[:], " "))
	f.Add("account_id ${log_status}")
	f.Add("${tgw-id} version")
	f.Add("${version ${}")
	f.Fuzz(func(t *testing.T, s string) {
		format, err := ParseFormat(s)
		if err != nil {
			if format != nil {
				t.Fatalf("format %v with error %v", format, err)
			}
			return
		}
		if len(format) == 0 || len(format) > int(vigil.NumFlowFields) {
			t.Fatalf("%d fields", len(format))
		}
		var names, dollar []string
		for _, f := range format {
			if f >= vigil.NumFlowFields {
				t.Fatalf("field %d out of range", f)
			}
			names = append(names, vigil.FlowFieldNames[f])
			dollar = append(dollar, "${"+vigil.FlowFieldNames[f]+"}")
		}
		for _, again := range []string{strings.Join(names, " "), strings.Join(dollar, " ")} {
			got, err := ParseFormat(again)
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", again, err)
			}
			if diff := cmp.Diff(format, got); diff != "" {
				t.Fatalf("round trip of %q (-first +again):\n%s", again, diff)
			}
		}
	})
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
		"bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/x.log.parquet",
		"AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/hour=23/x.log.gz",
		"AWSLogs/aws-account-id=123456789012/service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/x",
		`C:\AWSLogs\123456789012\vpcflowlogs\us-east-1\2020\02\29\x.log.gz`,
		"AWSLogs/123456789012/CloudTrail/us-east-1/2018/06/20/x.json.gz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		k, ok := ParseKey(path)
		if !ok {
			if k != (Key{}) {
				t.Fatalf("not ok but key %+v", k)
			}
			return
		}
		if !k.Partition.Valid() || !strings.HasPrefix(k.Rel, "AWSLogs/") || (k.Hour != "" && !isHour(k.Hour)) {
			t.Fatalf("bad key %+v", k)
		}
		again, ok := ParseKey(k.Rel)
		if !ok || again != k {
			t.Fatalf("ParseKey(Rel %q) = %+v, %v; want %+v", k.Rel, again, ok, k)
		}
	})
}
