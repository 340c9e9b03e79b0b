package flowlogs

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/vigil-sec/vigil/internal/vigil"
)

const benchLines = 100_000

// genV2 returns an S3-style file of n default-format records: a header,
// then mostly ACCEPT/REJECT records with some NODATA, IPv6 and ICMP.
func genV2(n int) []byte {
	var b bytes.Buffer
	b.WriteString("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
	for i := range n {
		start := 1700000000 + i/50
		switch {
		case i%97 == 0:
			fmt.Fprintf(&b, "2 123456789012 eni-0a1b2c3d4e5f%05d - - - - - - - %d %d - NODATA\n", i%1000, start, start+60)
		case i%31 == 0:
			fmt.Fprintf(&b, "2 123456789012 eni-0a1b2c3d4e5f%05d 2001:db8:1234:a100::%x 2001:db8:1234:a102::%x %d 443 6 %d %d %d %d ACCEPT OK\n",
				i%1000, i%65536, (i*7)%65536, 1024+i%60000, 1+i%40, 60+i%9000, start, start+60)
		case i%17 == 0:
			fmt.Fprintf(&b, "2 123456789012 eni-0a1b2c3d4e5f%05d 203.0.113.%d 10.0.%d.%d 0 0 1 4 336 %d %d REJECT OK\n",
				i%1000, i%250, i%250, (i/250)%250, start, start+60)
		default:
			fmt.Fprintf(&b, "2 123456789012 eni-0a1b2c3d4e5f%05d 10.0.%d.%d 172.31.%d.%d %d %d 6 %d %d %d %d ACCEPT OK\n",
				i%1000, i%250, (i/250)%250, (i*3)%250, (i*7)%250, 1024+i%60000, []int{22, 80, 443, 3389, 5432}[i%5],
				1+i%40, 60+i%90000, start, start+60)
		}
	}
	return b.Bytes()
}

// genV5 returns n records in the 29-field custom format of the user guide's
// v5 example, fields out of AWS's order.
func genV5(n int) []byte {
	var b bytes.Buffer
	b.WriteString("version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status\n")
	for i := range n {
		start := 1616729292 + i/50
		src := "10.0." + strconv.Itoa(i%250) + "." + strconv.Itoa((i/250)%250)
		dst := "52.95.128." + strconv.Itoa(i%250)
		if i%2 == 0 {
			fmt.Fprintf(&b, "5 %s %s %d 443 6 %d %d IPv4 %d %d 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa0123%05d i-0c50d5961bcb%05d eni-1235b8ca1234%05d ap-southeast-2 apse2-az3 - - ACCEPT 3 %s %s - S3 8 egress OK\n",
				src, dst, 1024+i%60000, start, start+57, 1+i%40, 60+i%9000, i%100, i%1000, i%1000, src, dst)
		} else {
			fmt.Fprintf(&b, "5 %s %s 443 %d 6 %d %d IPv4 %d %d 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa0123%05d i-0c50d5961bcb%05d eni-1235b8ca1234%05d ap-southeast-2 apse2-az3 - - ACCEPT 19 %s %s S3 - - ingress OK\n",
				dst, src, 1024+i%60000, start, start+57, 1+i%40, 60+i%9000, i%100, i%1000, i%1000, dst, src)
		}
	}
	return b.Bytes()
}

func BenchmarkReader(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"v2", genV2(benchLines)},
		{"v5_custom", genV5(benchLines)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.data)))
			var rec vigil.FlowRecord
			var rd bytes.Reader
			iters := 0
			for b.Loop() {
				rd.Reset(bc.data)
				r := NewReader(&rd, nil)
				n := 0
				for {
					err := r.Next(&rec)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != benchLines {
					b.Fatalf("%d records, want %d", n, benchLines)
				}
				iters++
			}
			b.ReportMetric(float64(iters*benchLines)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
