package flowlogs

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// awsParquetRow has the columns of a flow log Parquet file as the VPC user
// guide types them (INT_32, INT_64, STRING), NULL for '-'. Not every field:
// enough of each type and version, plus a column vigil does not know.
type awsParquetRow struct {
	Version          *int32  `parquet:"version,optional"`
	AccountID        *string `parquet:"account_id,optional"`
	InterfaceID      *string `parquet:"interface_id,optional"`
	SrcAddr          *string `parquet:"srcaddr,optional"`
	DstAddr          *string `parquet:"dstaddr,optional"`
	SrcPort          *int32  `parquet:"srcport,optional"`
	DstPort          *int32  `parquet:"dstport,optional"`
	Protocol         *int32  `parquet:"protocol,optional"`
	Packets          *int64  `parquet:"packets,optional"`
	Bytes            *int64  `parquet:"bytes,optional"`
	Start            *int64  `parquet:"start,optional"`
	End              *int64  `parquet:"end,optional"`
	Action           *string `parquet:"action,optional"`
	LogStatus        *string `parquet:"log_status,optional"`
	VPCID            *string `parquet:"vpc_id,optional"`
	TCPFlags         *int32  `parquet:"tcp_flags,optional"`
	Region           *string `parquet:"region,optional"`
	PktDstAWSService *string `parquet:"pkt_dst_aws_service,optional"`
	FlowDirection    *string `parquet:"flow_direction,optional"`
	TrafficPath      *int32  `parquet:"traffic_path,optional"`
	ECSClusterName   *string `parquet:"ecs_cluster_name,optional"`
	RejectReason     *string `parquet:"reject_reason,optional"`
	EncryptionStatus *int32  `parquet:"encryption_status,optional"` // newer than vigil: ignored
}

func ptr[T any](v T) *T { return &v }

func writeParquet[T any](t *testing.T, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, append([]parquet.WriterOption{parquet.Compression(&parquet.Gzip)}, opts...)...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadParquet(t *testing.T) {
	rows := []awsParquetRow{
		{ // the v5 example, egress to S3 through an internet gateway
			Version: ptr[int32](5), AccountID: ptr("123456789012"), InterfaceID: ptr("eni-1235b8ca123456789"),
			SrcAddr: ptr("10.0.0.71"), DstAddr: ptr("52.95.128.179"), SrcPort: ptr[int32](34210), DstPort: ptr[int32](80),
			Protocol: ptr[int32](6), Packets: ptr[int64](7), Bytes: ptr[int64](471), Start: ptr[int64](1616729292), End: ptr[int64](1616729349),
			Action: ptr("ACCEPT"), LogStatus: ptr("OK"), VPCID: ptr("vpc-abcdefab012345678"), TCPFlags: ptr[int32](3),
			Region: ptr("ap-southeast-2"), PktDstAWSService: ptr("S3"), FlowDirection: ptr("egress"), TrafficPath: ptr[int32](8),
			EncryptionStatus: ptr[int32](0),
		},
		{ // NODATA: everything but the interface and the window is NULL
			Version: ptr[int32](2), AccountID: ptr("123456789012"), InterfaceID: ptr("eni-1235b8ca123456789"),
			Start: ptr[int64](1431280876), End: ptr[int64](1431280934), LogStatus: ptr("NODATA"),
		},
		{ // v7 and v8 fields; a large byte count
			Version: ptr[int32](8), AccountID: ptr("123456789012"), SrcAddr: ptr("2001:db8::1"), DstAddr: ptr("2001:db8::2"),
			Packets: ptr[int64](1 << 40), Bytes: ptr[int64](1 << 50), Action: ptr("REJECT"), LogStatus: ptr("OK"),
			ECSClusterName: ptr("web-cluster"), RejectReason: ptr("BPA"),
		},
	}
	want := []vigil.FlowRecord{
		mk(vigil.FlowVersion, 5, vigil.FlowAccountID, "123456789012", vigil.FlowInterfaceID, "eni-1235b8ca123456789",
			vigil.FlowSrcAddr, "10.0.0.71", vigil.FlowDstAddr, "52.95.128.179", vigil.FlowSrcPort, 34210, vigil.FlowDstPort, 80,
			vigil.FlowProtocol, 6, vigil.FlowPackets, 7, vigil.FlowBytes, 471, vigil.FlowStart, 1616729292, vigil.FlowEnd, 1616729349,
			vigil.FlowAction, "ACCEPT", vigil.FlowLogStatus, "OK", vigil.FlowVPCID, "vpc-abcdefab012345678", vigil.FlowTCPFlags, 3,
			vigil.FlowRegion, "ap-southeast-2", vigil.FlowPktDstAWSService, "S3", vigil.FlowFlowDirection, "egress", vigil.FlowTrafficPath, 8),
		mk(vigil.FlowVersion, 2, vigil.FlowAccountID, "123456789012", vigil.FlowInterfaceID, "eni-1235b8ca123456789",
			vigil.FlowStart, 1431280876, vigil.FlowEnd, 1431280934, vigil.FlowLogStatus, "NODATA"),
		mk(vigil.FlowVersion, 8, vigil.FlowAccountID, "123456789012", vigil.FlowSrcAddr, "2001:db8::1", vigil.FlowDstAddr, "2001:db8::2",
			vigil.FlowPackets, int64(1<<40), vigil.FlowBytes, int64(1<<50), vigil.FlowAction, "REJECT", vigil.FlowLogStatus, "OK",
			vigil.FlowECSClusterName, "web-cluster", vigil.FlowRejectReason, "BPA"),
	}
	// Several row groups and more rows than one read buffer.
	var many []awsParquetRow
	var wantMany []vigil.FlowRecord
	for range 100 {
		many = append(many, rows...)
		wantMany = append(wantMany, want...)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want []vigil.FlowRecord
	}{
		{"three rows", writeParquet(t, rows), want},
		{"300 rows in row groups of 7", writeParquet(t, many, parquet.MaxRowsPerRowGroup(7)), wantMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []vigil.FlowRecord
			err := ReadParquet(bytes.NewReader(tc.data), int64(len(tc.data)), func(rec *vigil.FlowRecord) error {
				checkRecord(t, rec)
				got = append(got, *rec)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// textParquetRow is a file written by another tool: every column text,
// '-' kept, a numeric column as INT64 where AWS has INT32, hyphenated names.
type textParquetRow struct {
	Version string `parquet:"version"`
	SrcPort string `parquet:"srcport"`
	Bytes   string `parquet:"bytes"`
	Proto   int64  `parquet:"protocol"`
	Account int64  `parquet:"account-id"`
	Action  string `parquet:"action"`
	Nested  struct {
		Version int32 `parquet:"version"`
	} `parquet:"nested"`
}

func TestReadParquetConversions(t *testing.T) {
	data := writeParquet(t, []textParquetRow{
		{Version: "2", SrcPort: "-", Bytes: "4249", Proto: 6, Account: 123456789010, Action: "ACCEPT"},
		{Version: "2", SrcPort: "443", Bytes: "-", Proto: 17, Account: 123456789010, Action: "ACCEPT"},
	})
	var got []vigil.FlowRecord
	if err := ReadParquet(bytes.NewReader(data), int64(len(data)), func(rec *vigil.FlowRecord) error {
		got = append(got, *rec)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []vigil.FlowRecord{
		mk(vigil.FlowVersion, 2, vigil.FlowBytes, 4249, vigil.FlowProtocol, 6, vigil.FlowAccountID, "123456789010", vigil.FlowAction, "ACCEPT"),
		mk(vigil.FlowVersion, 2, vigil.FlowSrcPort, 443, vigil.FlowProtocol, 17, vigil.FlowAccountID, "123456789010", vigil.FlowAction, "ACCEPT"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

func TestReadParquetTransitGateway(t *testing.T) {
	type tgwRow struct {
		Version  int32  `parquet:"version"`
		Resource string `parquet:"resource_type"`
		TGWID    string `parquet:"tgw_id"`
		Lost     int64  `parquet:"packets_lost_blackhole"`
	}
	data := writeParquet(t, []tgwRow{{6, "TransitGateway", "tgw-0123456789abcdef0", 3}})
	var got []vigil.FlowRecord
	err := ReadParquet(bytes.NewReader(data), int64(len(data)), func(r *vigil.FlowRecord) error { got = append(got, *r); return nil })
	want := []vigil.FlowRecord{mk(vigil.FlowVersion, 6, vigil.FlowResourceType, "TransitGateway",
		vigil.FlowTGWID, "tgw-0123456789abcdef0", vigil.FlowPacketsLostBlackhole, 3)}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("err %v, records (-want +got):\n%s", err, diff)
	}
}

func TestReadParquetErrors(t *testing.T) {
	type badNumber struct {
		SrcPort string `parquet:"srcport"`
	}
	type floatPort struct {
		SrcPort float64 `parquet:"srcport"`
	}
	valid := writeParquet(t, []awsParquetRow{{Version: ptr[int32](2)}, {Version: ptr[int32](2)}})
	errStop := errors.New("stop")
	for _, tc := range []struct {
		name string
		data []byte
		fn   func(*vigil.FlowRecord) error
		want string
		is   error
	}{
		{"not Parquet", []byte("version account-id\n2 123456789012\n"), nil, "malformed input: open Parquet: ", vigil.ErrMalformedInput},
		{"truncated", valid[:len(valid)/2], nil, "malformed input: open Parquet: ", vigil.ErrMalformedInput},
		{"text that is not a number", writeParquet(t, []badNumber{{"443"}, {"https"}}), nil,
			`malformed input: row 2: srcport: not a number: "https"`, vigil.ErrMalformedInput},
		{"float column", writeParquet(t, []floatPort{{443}}), nil,
			"malformed input: row 1: srcport: unsupported Parquet type DOUBLE", vigil.ErrMalformedInput},
		{"callback error", valid, func(*vigil.FlowRecord) error { return errStop }, "stop", errStop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn := tc.fn
			if fn == nil {
				fn = func(*vigil.FlowRecord) error { return nil }
			}
			err := ReadParquet(bytes.NewReader(tc.data), int64(len(tc.data)), fn)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.Is(err, tc.is) {
				t.Fatalf("error = %v, want %s... wrapping %v", err, tc.want, tc.is)
			}
		})
	}
}
