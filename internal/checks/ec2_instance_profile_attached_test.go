package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2InstanceProfileAttached(t *testing.T) {
	const typ = collect.TypeEC2Instance
	withProfile := `{"instanceId":"i-1","state":{"name":"running"},"iamInstanceProfile":{"arn":"arn:aws:iam::111122223333:instance-profile/app","id":"AIPA1"}}`
	runCases(t, "ec2_instance_profile_attached", []checkCase{
		{"profile passes", []*inventory.Item{item(typ, "us-east-1", "i-1", withProfile)},
			[]want{{compliance.Pass, "i-1", "instance-profile/app"}}},
		{"no profile fails", []*inventory.Item{item(typ, "us-east-1", "i-2", `{"instanceId":"i-2","state":{"name":"stopped"}}`)},
			[]want{{compliance.Fail, "i-2", "no IAM instance profile"}}},
		{"terminated is left out", []*inventory.Item{item(typ, "us-east-1", "i-3", `{"state":{"code":48,"name":"terminated"}}`)},
			[]want{{compliance.NotApplicable, "", "no EC2 instances"}}},
		{"Config spelling", []*inventory.Item{item(typ, "eu-west-1", "i-4", `{"IamInstanceProfile":{"Arn":"arn:aws:iam::111122223333:instance-profile/web"},"State":{"Name":"running"}}`)},
			[]want{{compliance.Pass, "i-4", "profile/web"}}},
		{"gap in one region", []*inventory.Item{gap(typ, "eu-west-1", "ec2:DescribeInstances", "UnauthorizedOperation"), item(typ, "us-east-1", "i-1", withProfile)},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeInstances"}, {compliance.Pass, "i-1", ""}}},
		{"no instances", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no EC2 instances"}}},
	})
}
