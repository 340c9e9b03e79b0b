package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2InstancePublicIP(t *testing.T) {
	const typ = collect.TypeEC2Instance
	runCases(t, "ec2_instance_public_ip", []checkCase{
		{"private passes", []*inventory.Item{item(typ, "us-east-1", "i-1", `{"state":{"name":"running"},"privateIpAddress":"10.0.1.5"}`)},
			[]want{{compliance.Pass, "i-1", "no public IP"}}},
		{"public fails", []*inventory.Item{item(typ, "us-east-1", "i-2", `{"state":{"name":"running"},"publicIpAddress":"34.205.29.138"}`)},
			[]want{{compliance.Fail, "i-2", "34.205.29.138"}}},
		{"Config spelling", []*inventory.Item{item(typ, "us-east-1", "i-3", `{"State":{"Name":"running"},"PublicIpAddress":"3.3.3.3"}`)},
			[]want{{compliance.Fail, "i-3", "3.3.3.3"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeInstances", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeInstances"}}},
	})
}
