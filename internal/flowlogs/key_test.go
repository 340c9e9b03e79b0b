package flowlogs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestParseKey(t *testing.T) {
	const (
		logName = "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz"
		pqName  = "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.parquet"
		plain   = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/"
		hive    = "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/"
	)
	p := vigil.Partition{Account: "123456789012", Region: "us-east-1", Date: "2018-06-20"}
	for _, tc := range []struct {
		name, path string
		want       Key
		ok         bool
	}{
		{"plain", plain + logName, Key{Partition: p, Rel: plain + logName}, true},
		{"bucket prefix", "flow-log-bucket/custom-flow-logs/" + plain + logName, Key{Partition: p, Rel: plain + logName}, true},
		{"s3 URL", "s3://flow-log-bucket/" + plain + logName, Key{Partition: p, Rel: plain + logName}, true},
		{"windows path", `C:\logs\AWSLogs\123456789012\vpcflowlogs\us-east-1\2018\06\20\` + logName, Key{Partition: p, Rel: plain + logName}, true},
		{"plain hourly", plain + "16/" + logName, Key{Partition: p, Hour: "16", Rel: plain + "16/" + logName}, true},
		{"plain Parquet", plain + pqName, Key{Partition: p, Rel: plain + pqName, Parquet: true}, true},
		{"hive", hive + logName, Key{Partition: p, Rel: hive + logName}, true},
		{"hive with prefix", "prefix/" + hive + logName, Key{Partition: p, Rel: hive + logName}, true},
		{"hive hourly Parquet", hive + "hour=23/" + pqName, Key{Partition: p, Hour: "23", Rel: hive + "hour=23/" + pqName, Parquet: true}, true},
		{"hive service= (Transit Gateway guide spelling)",
			"AWSLogs/aws-account-id=123456789012/service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/" + logName,
			Key{Partition: p, Rel: "AWSLogs/aws-account-id=123456789012/service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/" + logName}, true},
		{"leap day, other region", "AWSLogs/444455556666/vpcflowlogs/ap-northeast-2/2020/02/29/x.log.gz",
			Key{Partition: vigil.Partition{Account: "444455556666", Region: "ap-northeast-2", Date: "2020-02-29"}, Rel: "AWSLogs/444455556666/vpcflowlogs/ap-northeast-2/2020/02/29/x.log.gz"}, true},
		{"last AWSLogs wins", "AWSLogs/backup/" + plain + logName, Key{Partition: p, Rel: plain + logName}, true},

		{"CloudTrail", "AWSLogs/123456789012/CloudTrail/us-east-1/2018/06/20/" + logName, Key{}, false},
		{"hive other service", "AWSLogs/aws-account-id=123456789012/aws-service=cloudtrail/aws-region=us-east-1/year=2018/month=06/day=20/" + logName, Key{}, false},
		{"organization level", "AWSLogs/o-aa111bb222/123456789012/vpcflowlogs/us-east-1/2018/06/20/" + logName, Key{}, false},
		{"no file", plain, Key{}, false},
		{"hourly without file", plain + "16/", Key{}, false},
		{"hour 24", plain + "24/" + logName, Key{}, false},
		{"hour with one digit", plain + "7/" + logName, Key{}, false},
		{"hive hour 24", hive + "hour=24/" + logName, Key{}, false},
		{"extra level", plain + "16/extra/" + logName, Key{}, false},
		{"February 30", "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/02/30/" + logName, Key{}, false},
		{"month 13", "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/13/20/" + logName, Key{}, false},
		{"one-digit month", "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/6/20/" + logName, Key{}, false},
		{"11-digit account", "AWSLogs/12345678901/vpcflowlogs/us-east-1/2018/06/20/" + logName, Key{}, false},
		{"account with letters", "AWSLogs/12345678901a/vpcflowlogs/us-east-1/2018/06/20/" + logName, Key{}, false},
		{"hive fields out of order", "AWSLogs/aws-account-id=123456789012/aws-region=us-east-1/aws-service=vpcflowlogs/year=2018/month=06/day=20/" + logName, Key{}, false},
		{"hive month unprefixed", "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/06/day=20/" + logName, Key{}, false},
		{"unsafe region", "AWSLogs/123456789012/vpcflowlogs/us east/2018/06/20/" + logName, Key{}, false},
		{"empty region", "AWSLogs/123456789012/vpcflowlogs//2018/06/20/" + logName, Key{}, false},
		{"myAWSLogs", "myAWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/" + logName, Key{}, false},
		{"not under AWSLogs", "logs/123456789012/vpcflowlogs/us-east-1/2018/06/20/" + logName, Key{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseKey(tc.path)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("key (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecordPartition(t *testing.T) {
	for _, tc := range []struct {
		name            string
		rec             vigil.FlowRecord
		account, region string
		want            vigil.Partition
		ok              bool
	}{
		{"fields", mk(vigil.FlowAccountID, "123456789012", vigil.FlowRegion, "eu-west-1", vigil.FlowStart, 1616729292),
			"999999999999", "us-east-1", vigil.Partition{Account: "123456789012", Region: "eu-west-1", Date: "2021-03-26"}, true},
		{"fallbacks (v2 has no region)", mk(vigil.FlowStart, 1418530010), "999999999999", "us-east-1",
			vigil.Partition{Account: "999999999999", Region: "us-east-1", Date: "2014-12-14"}, true},
		{"account unknown", mk(vigil.FlowAccountID, "unknown", vigil.FlowStart, 1418530010), "999999999999", "us-east-1",
			vigil.Partition{Account: "999999999999", Region: "us-east-1", Date: "2014-12-14"}, true},
		{"end when no start", mk(vigil.FlowAccountID, "123456789012", vigil.FlowEnd, 1431280934), "", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "us-east-1", Date: "2015-05-10"}, true},
		{"UTC day boundary", mk(vigil.FlowStart, 1603497599), "123456789012", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "us-east-1", Date: "2020-10-23"}, true},
		{"no time", mk(vigil.FlowAccountID, "123456789012"), "", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "us-east-1"}, false},
		{"no account", mk(vigil.FlowStart, 1418530010), "", "us-east-1",
			vigil.Partition{Region: "us-east-1", Date: "2014-12-14"}, false},
		{"no region", mk(vigil.FlowStart, 1418530010), "123456789012", "",
			vigil.Partition{Account: "123456789012", Date: "2014-12-14"}, false},
		{"unsafe region", mk(vigil.FlowRegion, "../x", vigil.FlowStart, 1418530010), "123456789012", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "../x", Date: "2014-12-14"}, false},
		{"negative time", mk(vigil.FlowStart, -1), "123456789012", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "us-east-1"}, false},
		{"time past 9999", mk(vigil.FlowStart, 1<<62), "123456789012", "us-east-1",
			vigil.Partition{Account: "123456789012", Region: "us-east-1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RecordPartition(&tc.rec, tc.account, tc.region)
			if ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("partition (-want +got):\n%s", diff)
			}
		})
	}
}
