package flowlogs

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// mk builds a record from field/value pairs: an int64 or int for numeric
// fields, a string for text ones.
func mk(kv ...any) vigil.FlowRecord {
	var r vigil.FlowRecord
	for i := 0; i < len(kv); i += 2 {
		f := kv[i].(vigil.FlowField)
		switch v := kv[i+1].(type) {
		case int:
			r.SetInt(f, int64(v))
		case int64:
			r.SetInt(f, v)
		case string:
			r.SetStr(f, v)
		default:
			panic("BUG: mk: bad value type")
		}
	}
	return r
}

// v2 builds a default-format record from its 14 values as written, '-'
// for absent ones.
func v2(line string) vigil.FlowRecord {
	var r vigil.FlowRecord
	for i, v := range strings.Fields(line) {
		f := defaultFormat[i]
		if v == "-" {
			continue
		}
		if numeric[f] {
			n, ok := parseInt(v)
			if !ok {
				panic("BUG: v2: bad number " + v)
			}
			r.SetInt(f, n)
		} else {
			r.SetStr(f, v)
		}
	}
	return r
}

type readResult struct {
	recs    []vigil.FlowRecord
	recErrs []string // record errors' messages
	err     error    // the final error: io.EOF or an input error
}

func readAll(t testing.TB, r *Reader) readResult {
	t.Helper()
	var res readResult
	for range 1_000_000 {
		var rec vigil.FlowRecord
		err := r.Next(&rec)
		switch {
		case err == nil:
			res.recs = append(res.recs, rec)
		case errors.Is(err, vigil.ErrMalformedRecord) && !errors.Is(err, vigil.ErrMalformedInput):
			res.recErrs = append(res.recErrs, err.Error())
		default:
			res.err = err
			if again := r.Next(&rec); again != err {
				t.Errorf("Next after %v = %v, want the same error again", err, again)
			}
			return res
		}
	}
	t.Fatal("reader did not stop")
	return res
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReaderFixtures(t *testing.T) {
	const (
		acct = "123456789010"
		eni  = "eni-1235b8ca123456789"
	)
	for _, tc := range []struct {
		file    string
		format  string // given to NewReader; "" for nil
		n       int    // records
		want    map[int]vigil.FlowRecord
		recErrs []string
		err     string // input error, "" for io.EOF
	}{
		{file: "v2_default.log", n: 7, want: map[int]vigil.FlowRecord{
			0: v2("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"),
			1: v2("2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"),
			2: mk(vigil.FlowVersion, 2, vigil.FlowAccountID, acct, vigil.FlowInterfaceID, eni,
				vigil.FlowStart, 1431280876, vigil.FlowEnd, 1431280934, vigil.FlowLogStatus, "NODATA"),
			3: v2("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA"),
			4: mk(vigil.FlowVersion, 2, vigil.FlowAccountID, acct, vigil.FlowInterfaceID, eni,
				vigil.FlowSrcAddr, "203.0.113.12", vigil.FlowDstAddr, "172.31.16.139", vigil.FlowSrcPort, 0, vigil.FlowDstPort, 0,
				vigil.FlowProtocol, 1, vigil.FlowPackets, 4, vigil.FlowBytes, 336, vigil.FlowStart, 1432917027, vigil.FlowEnd, 1432917142,
				vigil.FlowAction, "ACCEPT", vigil.FlowLogStatus, "OK"),
			6: v2("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK"),
		}},
		{file: "v3_tcp_flags.log", format: "${srcaddr}", n: 8, want: map[int]vigil.FlowRecord{
			1: mk(vigil.FlowVersion, 3, vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowSubnetID, "subnet-aaaaaaaa012345678",
				vigil.FlowInstanceID, "i-01234567890123456", vigil.FlowInterfaceID, eni, vigil.FlowAccountID, acct, vigil.FlowType, "IPv4",
				vigil.FlowSrcAddr, "10.0.0.62", vigil.FlowDstAddr, "52.213.180.42", vigil.FlowSrcPort, 5001, vigil.FlowDstPort, 43416,
				vigil.FlowPktSrcAddr, "10.0.0.62", vigil.FlowPktDstAddr, "52.213.180.42", vigil.FlowProtocol, 6, vigil.FlowBytes, 376,
				vigil.FlowPackets, 7, vigil.FlowStart, 1566848875, vigil.FlowEnd, 1566848933, vigil.FlowAction, "ACCEPT",
				vigil.FlowTCPFlags, 18, vigil.FlowLogStatus, "OK"),
			7: mk(vigil.FlowVersion, 3, vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowSubnetID, "subnet-aaaaaaaa012345678",
				vigil.FlowInstanceID, "i-01234567890123456", vigil.FlowInterfaceID, eni, vigil.FlowAccountID, acct, vigil.FlowType, "IPv4",
				vigil.FlowSrcAddr, "10.0.0.62", vigil.FlowDstAddr, "52.213.180.42", vigil.FlowSrcPort, 5001, vigil.FlowDstPort, 43638,
				vigil.FlowPktSrcAddr, "10.0.0.62", vigil.FlowPktDstAddr, "52.213.180.42", vigil.FlowProtocol, 6, vigil.FlowBytes, 967,
				vigil.FlowPackets, 14, vigil.FlowStart, 1566933133, vigil.FlowEnd, 1566933193, vigil.FlowAction, "ACCEPT",
				vigil.FlowTCPFlags, 19, vigil.FlowLogStatus, "OK"),
		}},
		{file: "v3_transit_gateway_traffic.log", n: 4, want: map[int]vigil.FlowRecord{
			2: mk(vigil.FlowVersion, 3, vigil.FlowInterfaceID, "eni-11111111111111111", vigil.FlowAccountID, acct,
				vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowSubnetID, "subnet-11111111aaaaaaaaa",
				vigil.FlowSrcAddr, "10.40.1.175", vigil.FlowDstAddr, "10.40.2.236", vigil.FlowSrcPort, 39812, vigil.FlowDstPort, 80,
				vigil.FlowProtocol, 6, vigil.FlowTCPFlags, 3, vigil.FlowType, "IPv4", vigil.FlowPktSrcAddr, "10.20.33.164",
				vigil.FlowPktDstAddr, "10.40.2.236", vigil.FlowAction, "ACCEPT", vigil.FlowLogStatus, "OK"),
		}},
		{file: "v3_nat_gateway.log", n: 6, want: map[int]vigil.FlowRecord{
			0: mk(vigil.FlowInterfaceID, eni, vigil.FlowSrcAddr, "10.0.1.5", vigil.FlowDstAddr, "10.0.0.220",
				vigil.FlowPktSrcAddr, "10.0.1.5", vigil.FlowPktDstAddr, "203.0.113.5"),
			4: mk(vigil.FlowInstanceID, "i-01234567890123456", vigil.FlowInterfaceID, "eni-1111aaaa2222bbbb3",
				vigil.FlowSrcAddr, "10.0.1.5", vigil.FlowDstAddr, "203.0.113.5", vigil.FlowPktSrcAddr, "10.0.1.5", vigil.FlowPktDstAddr, "203.0.113.5"),
		}},
		{file: "v4_region.log", n: 2, want: map[int]vigil.FlowRecord{
			0: mk(vigil.FlowVersion, 4, vigil.FlowSrcAddr, "52.95.128.179", vigil.FlowDstAddr, "10.0.0.71", vigil.FlowSrcPort, 80,
				vigil.FlowDstPort, 34210, vigil.FlowProtocol, 6, vigil.FlowStart, 1616729292, vigil.FlowEnd, 1616729349,
				vigil.FlowType, "IPv4", vigil.FlowPackets, 14, vigil.FlowBytes, 15044, vigil.FlowAccountID, "123456789012",
				vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowSubnetID, "subnet-aaaaaaaa012345678",
				vigil.FlowInstanceID, "i-0c50d5961bcb2d47b", vigil.FlowInterfaceID, eni, vigil.FlowRegion, "ap-southeast-2",
				vigil.FlowAZID, "apse2-az3", vigil.FlowAction, "ACCEPT", vigil.FlowTCPFlags, 19,
				vigil.FlowPktSrcAddr, "52.95.128.179", vigil.FlowPktDstAddr, "10.0.0.71", vigil.FlowLogStatus, "OK"),
		}},
		{file: "v5_traffic_path.log", n: 2, want: map[int]vigil.FlowRecord{
			1: mk(vigil.FlowVersion, 5, vigil.FlowSrcAddr, "10.0.0.71", vigil.FlowDstAddr, "52.95.128.179", vigil.FlowSrcPort, 34210,
				vigil.FlowDstPort, 80, vigil.FlowProtocol, 6, vigil.FlowStart, 1616729292, vigil.FlowEnd, 1616729349,
				vigil.FlowType, "IPv4", vigil.FlowPackets, 7, vigil.FlowBytes, 471, vigil.FlowAccountID, "123456789012",
				vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowSubnetID, "subnet-aaaaaaaa012345678",
				vigil.FlowInstanceID, "i-0c50d5961bcb2d47b", vigil.FlowInterfaceID, eni, vigil.FlowRegion, "ap-southeast-2",
				vigil.FlowAZID, "apse2-az3", vigil.FlowAction, "ACCEPT", vigil.FlowTCPFlags, 3,
				vigil.FlowPktSrcAddr, "10.0.0.71", vigil.FlowPktDstAddr, "52.95.128.179", vigil.FlowPktDstAWSService, "S3",
				vigil.FlowTrafficPath, 8, vigil.FlowFlowDirection, "egress", vigil.FlowLogStatus, "OK"),
		}},
		{file: "v7_ecs.log", n: 3, want: map[int]vigil.FlowRecord{
			0: mk(vigil.FlowVersion, 7, vigil.FlowAccountID, "123456789012", vigil.FlowInterfaceID, "eni-0a1b2c3d4e5f67890",
				vigil.FlowSrcAddr, "10.0.1.25", vigil.FlowDstAddr, "10.0.2.40", vigil.FlowSrcPort, 49152, vigil.FlowDstPort, 443,
				vigil.FlowProtocol, 6, vigil.FlowPackets, 12, vigil.FlowBytes, 1820, vigil.FlowStart, 1700000000, vigil.FlowEnd, 1700000060,
				vigil.FlowAction, "ACCEPT", vigil.FlowLogStatus, "OK",
				vigil.FlowECSClusterName, "web-cluster", vigil.FlowECSClusterARN, "arn:aws:ecs:us-east-1:123456789012:cluster/web-cluster",
				vigil.FlowECSServiceName, "web-service",
				vigil.FlowECSTaskDefinitionARN, "arn:aws:ecs:us-east-1:123456789012:task-definition/web-task:7",
				vigil.FlowECSTaskID, "0123456789abcdef0123456789abcdef",
				vigil.FlowECSTaskARN, "arn:aws:ecs:us-east-1:123456789012:task/web-cluster/0123456789abcdef0123456789abcdef",
				vigil.FlowECSContainerID, "0123456789abcdef0123456789abcdef-1234567890"),
			2: v2("7 123456789012 eni-0a1b2c3d4e5f67892 10.0.1.27 10.0.4.50 51000 80 6 1 40 1700000000 1700000060 REJECT OK"),
		}},
		{file: "v8_reject_reason.log", n: 2, want: map[int]vigil.FlowRecord{
			0: mk(vigil.FlowVersion, 8, vigil.FlowAccountID, "123456789012", vigil.FlowInterfaceID, "eni-0a1b2c3d4e5f67890",
				vigil.FlowSrcAddr, "198.51.100.7", vigil.FlowDstAddr, "10.0.0.12", vigil.FlowSrcPort, 51234, vigil.FlowDstPort, 22,
				vigil.FlowProtocol, 6, vigil.FlowPackets, 3, vigil.FlowBytes, 180, vigil.FlowStart, 1730000000, vigil.FlowEnd, 1730000060,
				vigil.FlowAction, "REJECT", vigil.FlowLogStatus, "OK", vigil.FlowFlowDirection, "ingress", vigil.FlowRejectReason, "BPA"),
		}},
		{file: "cloudwatch_export.log", n: 3, want: map[int]vigil.FlowRecord{
			0: v2("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1603447140 1603447200 ACCEPT OK"),
			2: v2("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1603447140 1603447260 - NODATA"),
		}},
		{file: "malformed.log", n: 2,
			recErrs: []string{
				`line 4: malformed record: dstport: not a number: "ssh"`,
				`line 5: malformed record: 13 fields, format has 14`,
			},
			want: map[int]vigil.FlowRecord{1: v2("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA")},
		},
		{file: "header_only.log", n: 0},
		{file: "tgw_flowlog.log", n: 1, want: map[int]vigil.FlowRecord{
			0: mk(vigil.FlowVersion, 6, vigil.FlowResourceType, "TransitGateway", vigil.FlowAccountID, "123456789012",
				vigil.FlowTGWID, "tgw-0123456789abcdef0", vigil.FlowTGWAttachmentID, "tgw-attach-0123456789abcdef0",
				vigil.FlowTGWSrcVPCAccountID, "123456789012", vigil.FlowTGWDstVPCAccountID, "123456789012",
				vigil.FlowTGWSrcVPCID, "vpc-0123456789abcdef0", vigil.FlowTGWDstVPCID, "vpc-0fedcba9876543210",
				vigil.FlowTGWSrcSubnetID, "subnet-0123456789abcdef0", vigil.FlowTGWDstSubnetID, "subnet-0fedcba9876543210",
				vigil.FlowTGWSrcENI, "eni-0123456789abcdef0", vigil.FlowTGWDstENI, "eni-0fedcba9876543210",
				vigil.FlowTGWSrcAZID, "use1-az1", vigil.FlowTGWDstAZID, "use1-az2", vigil.FlowTGWPairAttachmentID, "tgw-attach-0fedcba9876543210",
				vigil.FlowSrcAddr, "10.0.1.10", vigil.FlowDstAddr, "10.1.1.20", vigil.FlowSrcPort, 49152, vigil.FlowDstPort, 443,
				vigil.FlowProtocol, 6, vigil.FlowPackets, 10, vigil.FlowBytes, 1500, vigil.FlowStart, 1700000000, vigil.FlowEnd, 1700000060,
				vigil.FlowLogStatus, "OK", vigil.FlowType, "IPv4", vigil.FlowPacketsLostNoRoute, 0, vigil.FlowPacketsLostBlackhole, 0,
				vigil.FlowPacketsLostMTUExceeded, 0, vigil.FlowPacketsLostTTLExpired, 0, vigil.FlowTCPFlags, 2,
				vigil.FlowRegion, "us-east-1", vigil.FlowFlowDirection, "ingress"),
		}},
		{file: "unknown_field.log", err: `malformed input: line 1: unknown flow log field "resource-id" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var format []vigil.FlowField
			if tc.format != "" {
				var err error
				if format, err = ParseFormat(tc.format); err != nil {
					t.Fatal(err)
				}
			}
			res := readAll(t, NewReader(bytes.NewReader(readFile(t, tc.file)), format))
			if tc.err != "" {
				if !errors.Is(res.err, vigil.ErrMalformedInput) || res.err.Error() != tc.err {
					t.Fatalf("error = %v, want %s", res.err, tc.err)
				}
				return
			}
			if res.err != io.EOF {
				t.Fatalf("error = %v, want io.EOF", res.err)
			}
			if len(res.recs) != tc.n {
				t.Errorf("%d records, want %d", len(res.recs), tc.n)
			}
			if diff := cmp.Diff(tc.recErrs, res.recErrs); diff != "" {
				t.Errorf("record errors (-want +got):\n%s", diff)
			}
			for i, want := range tc.want {
				if i >= len(res.recs) {
					continue
				}
				if diff := cmp.Diff(want, res.recs[i]); diff != "" {
					t.Errorf("record %d (-want +got):\n%s", i, diff)
				}
			}
			for i := range res.recs {
				checkRecord(t, &res.recs[i])
			}
		})
	}
}

// checkRecord checks invariants every returned record holds.
func checkRecord(t testing.TB, r *vigil.FlowRecord) {
	t.Helper()
	if r.Present>>vigil.NumFlowFields != 0 {
		t.Errorf("Present %#x has bits beyond the fields", r.Present)
	}
	for f := range vigil.NumFlowFields {
		switch {
		case !r.Has(f) && (r.Int[f] != 0 || r.Str[f] != ""):
			t.Errorf("%s: not present but set", vigil.FlowFieldNames[f])
		case r.Has(f) && numeric[f] && r.Str[f] != "":
			t.Errorf("%s: numeric field with text %q", vigil.FlowFieldNames[f], r.Str[f])
		case r.Has(f) && !numeric[f] && (r.Int[f] != 0 || r.Str[f] == "" || r.Str[f] == "-"):
			t.Errorf("%s: text field holds %d %q", vigil.FlowFieldNames[f], r.Int[f], r.Str[f])
		}
	}
}

func TestReaderFormats(t *testing.T) {
	const (
		hdr    = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
		accept = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
		nat    = "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n"
		natRec = "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n"
	)
	natFormat, _ := ParseFormat(nat)
	wantNat := mk(vigil.FlowInterfaceID, "eni-1235b8ca123456789", vigil.FlowSrcAddr, "10.0.1.5", vigil.FlowDstAddr, "10.0.0.220",
		vigil.FlowPktSrcAddr, "10.0.1.5", vigil.FlowPktDstAddr, "203.0.113.5")
	wantAccept := v2(accept)
	for _, tc := range []struct {
		name    string
		in      string
		format  []vigil.FlowField
		want    []vigil.FlowRecord
		recErrs []string
	}{
		{"no header, default format", accept + accept, nil, []vigil.FlowRecord{wantAccept, wantAccept}, nil},
		{"no header, given format", natRec, natFormat, []vigil.FlowRecord{wantNat}, nil},
		{"header overrides given format", hdr + accept, natFormat, []vigil.FlowRecord{wantAccept}, nil},
		{"header in the middle: concatenated files", hdr + accept + nat + natRec + hdr + accept, nil,
			[]vigil.FlowRecord{wantAccept, wantNat, wantAccept}, nil},
		{"byte-order mark", "\xef\xbb\xbf" + hdr + accept, nil, []vigil.FlowRecord{wantAccept}, nil},
		{"tabs, runs of spaces, CRLF, no final newline",
			"  2\t123456789010  eni-1235b8ca123456789 \t172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK \r\n" +
				strings.TrimSuffix(accept, "\n"), nil, []vigil.FlowRecord{wantAccept, wantAccept}, nil},
		{"blank lines", "\n\n  \r\n" + hdr + "\n" + accept + "\n\n", nil, []vigil.FlowRecord{wantAccept}, nil},
		{"CloudWatch timestamp before a text first field", "2020-10-23T10:00:00Z " + natRec, natFormat, []vigil.FlowRecord{wantNat}, nil},
		{"timestamp with offset", "2020-10-23T12:00:00.5+02:00 " + accept, nil, []vigil.FlowRecord{wantAccept}, nil},
		{"timestamp where a field is missing", "2020-10-23T10:00:00Z 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n", nil,
			nil, []string{"line 1: malformed record: 13 fields, format has 14"}},
		{"too many fields", strings.TrimSuffix(accept, "\n") + " extra\n", nil, nil, []string{"line 1: malformed record: 15 fields, format has 14"}},
		{"far too many fields", strings.Repeat("x ", 100) + "\n" + accept, nil, []vigil.FlowRecord{wantAccept},
			[]string{"line 1: malformed record: more than 59 fields, format has 14"}},
		{"number too large", "2 1 eni-1 a b 1 2 3 99999999999999999999 1 1 1 ACCEPT OK\n", nil, nil,
			[]string{`line 1: malformed record: packets: not a number: "99999999999999999999"`}},
		{"negative number", "2 1 eni-1 a b 1 2 3 -5 1 1 1 ACCEPT OK\n", nil,
			[]vigil.FlowRecord{mk(vigil.FlowVersion, 2, vigil.FlowAccountID, "1", vigil.FlowInterfaceID, "eni-1", vigil.FlowSrcAddr, "a",
				vigil.FlowDstAddr, "b", vigil.FlowSrcPort, 1, vigil.FlowDstPort, 2, vigil.FlowProtocol, 3, vigil.FlowPackets, -5,
				vigil.FlowBytes, 1, vigil.FlowStart, 1, vigil.FlowEnd, 1, vigil.FlowAction, "ACCEPT", vigil.FlowLogStatus, "OK")}, nil},
		{"word-valued format is not a header", "region az-id flow-direction\nus-east-1 use1-az1 ingress\n", nil,
			[]vigil.FlowRecord{mk(vigil.FlowRegion, "us-east-1", vigil.FlowAZID, "use1-az1", vigil.FlowFlowDirection, "ingress")}, nil},
		{"line longer than the read buffer", "srcaddr dstaddr\n" + strings.Repeat("a", 3*bufSize) + " b\n" + "c d\n", nil,
			[]vigil.FlowRecord{mk(vigil.FlowSrcAddr, strings.Repeat("a", 3*bufSize), vigil.FlowDstAddr, "b"),
				mk(vigil.FlowSrcAddr, "c", vigil.FlowDstAddr, "d")}, nil},
		{"line too long", accept + strings.Repeat("1", MaxLineBytes+10) + "\n" + accept, nil, []vigil.FlowRecord{wantAccept, wantAccept},
			[]string{"line 2: malformed record: line longer than 1048576 bytes, skipped"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := readAll(t, NewReader(strings.NewReader(tc.in), tc.format))
			if res.err != io.EOF {
				t.Fatalf("error = %v, want io.EOF", res.err)
			}
			if diff := cmp.Diff(tc.want, res.recs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.recErrs, res.recErrs); diff != "" {
				t.Errorf("record errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderInputErrors(t *testing.T) {
	errRead := errors.New("connection reset")
	for _, tc := range []struct {
		name   string
		in     io.Reader
		format []vigil.FlowField
		want   string
		is     error
	}{
		{"gzip", strings.NewReader("\x1f\x8b\x08\x00\x00\x00"), nil, "malformed input: gzip-compressed input: decompress it first", vigil.ErrMalformedInput},
		{"parquet", strings.NewReader("PAR1\x15\x04"), nil, "malformed input: Parquet input: read it with ReadParquet", vigil.ErrMalformedInput},
		{"JSON", strings.NewReader(`{"messageType":"DATA_MESSAGE"}` + "\n"), nil,
			"malformed input: line 1: JSON, not flow log text (CloudWatch Logs subscription messages are not supported)", vigil.ErrMalformedInput},
		{"binary", strings.NewReader("\n\x00\x01\x02\n"), nil, "malformed input: line 2: binary data, not flow log text", vigil.ErrMalformedInput},
		{"first line too long", strings.NewReader(strings.Repeat("a", MaxLineBytes+1)), nil,
			"malformed input: line 1: line longer than 1048576 bytes", vigil.ErrMalformedInput},
		{"duplicate header field", strings.NewReader("version srcaddr version\n"), nil,
			`malformed input: line 1: header: duplicate flow log field "version"`, vigil.ErrMalformedInput},
		{"unknown field in a later header", strings.NewReader("version srcaddr\n2 10.0.0.1\nversion srcaddr bogus-field\n"), nil,
			`malformed input: line 3: unknown flow log field "bogus-field" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)`, vigil.ErrMalformedInput},
		{"read error", iotest.ErrReader(errRead), nil, "malformed input: line 1: connection reset", errRead},
		{"read error after data", io.MultiReader(strings.NewReader("2 1 eni-1 a b 1 2 3 4 5 6 7 ACCEPT OK\n2 1"), iotest.ErrReader(errRead)), nil,
			"malformed input: line 2: connection reset", errRead},
		{"invalid format", strings.NewReader(""), []vigil.FlowField{vigil.FlowSrcAddr, vigil.FlowSrcAddr}, "flowlogs: invalid format: field 3 out of range or repeated", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := readAll(t, NewReader(tc.in, tc.format))
			if res.err == nil || res.err.Error() != tc.want {
				t.Fatalf("error = %v, want %s", res.err, tc.want)
			}
			if tc.is != nil && !errors.Is(res.err, tc.is) {
				t.Errorf("error %v is not %v", res.err, tc.is)
			}
		})
	}
}

func TestReaderUnknownFieldError(t *testing.T) {
	for _, tc := range []struct {
		file, name string
	}{
		{"unknown_field.log", "resource-id"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var rec vigil.FlowRecord
			err := NewReader(bytes.NewReader(readFile(t, tc.file)), nil).Next(&rec)
			ue, ok := errors.AsType[*UnknownFieldError](err)
			if !ok {
				t.Fatalf("error = %v, want an *UnknownFieldError", err)
			}
			if ue.Name != tc.name || ue.Line != 1 {
				t.Errorf("got %+v, want name %q line 1", ue, tc.name)
			}
		})
	}
}

func TestReaderPosition(t *testing.T) {
	r := NewReader(bytes.NewReader(readFile(t, "malformed.log")), nil)
	var rec vigil.FlowRecord
	for _, want := range []string{"line 2", "line 4", "line 5", "line 6"} {
		r.Next(&rec)
		if got := r.Position(); got != want {
			t.Errorf("Position() = %q, want %q", got, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	v2Names := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
	for _, tc := range []struct {
		name, in string
		want     []vigil.FlowField
		err      string
	}{
		{"header form", v2Names, defaultFormat, ""},
		{"log-format form", "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}", defaultFormat, ""},
		{"Athena column names", "version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status", defaultFormat, ""},
		{"any order and subset, extra spaces", "  ${pkt-dstaddr}\t${reject-reason}  ${ecs-task-id}\n",
			[]vigil.FlowField{vigil.FlowPktDstAddr, vigil.FlowRejectReason, vigil.FlowECSTaskID}, ""},
		{"all fields", strings.Join(vigil.FlowFieldNames[:], " "), allFields(), ""},
		{"empty", " \t", nil, "empty flow log format"},
		{"unknown", "version foo", nil, `unknown flow log field "foo" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)`},
		{"Transit Gateway field", "${tgw-id} ${packets-lost-blackhole}", []vigil.FlowField{vigil.FlowTGWID, vigil.FlowPacketsLostBlackhole}, ""},
		{"unclosed brace", "${version", nil, `unknown flow log field "${version" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)`},
		{"duplicate", "${srcaddr} srcaddr", nil, `duplicate flow log field "srcaddr"`},
		{"upper case", "VERSION", nil, `unknown flow log field "VERSION" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFormat(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("format (-want +got):\n%s", diff)
			}
		})
	}
	if got := DefaultFormat(); len(got) != 14 || &got[0] == &defaultFormat[0] {
		t.Errorf("DefaultFormat() = %v: want a copy of the 14 fields", got)
	}
}

func allFields() []vigil.FlowField {
	var out []vigil.FlowField
	for f := range vigil.NumFlowFields {
		out = append(out, f)
	}
	return out
}

func TestIsTimestamp(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"2020-10-23T10:00:00.000Z", true},
		{"2020-10-23T10:00:00Z", true},
		{"2020-10-23T10:00:00", true},
		{"2020-10-23T10:00:00.123456789+05:30", true},
		{"2020-10-23 10:00:00", false},
		{"2020-10-23", false},
		{"1603447200", false},
		{"2020-10-23T10:00:00Zx", false},
		{"2020/10/23T10:00:00Z", false},
		{"eni-1235b8ca123456789", false},
	} {
		if got := isTimestamp(tc.s); got != tc.want {
			t.Errorf("isTimestamp(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1418530010", 1418530010, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{" 1", 0, false},
	} {
		got, ok := parseInt(tc.s)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tc.s, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNextSpace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{' ', 'a', '0', '-', 0x00, 0x1f, 0x21, 0x7f, 0x80, 0xa0, 0xff, '\t'}
	for n := range 2000 {
		b := make([]byte, n%40)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(3) > 0 {
				b[i] = 'x' // mostly long runs without spaces
			}
		}
		for i := 0; i <= len(b); i++ {
			want := bytes.IndexByte(b[i:], ' ')
			if want < 0 {
				want = len(b)
			} else {
				want += i
			}
			if got := nextSpace(b, i); got != want {
				t.Fatalf("nextSpace(%q, %d) = %d, want %d", b, i, got, want)
			}
		}
	}
}
