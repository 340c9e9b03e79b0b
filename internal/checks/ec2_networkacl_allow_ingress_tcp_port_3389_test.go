package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2NetworkACLIngressTCP3389(t *testing.T) {
	runCases(t, "ec2_networkacl_allow_ingress_tcp_port_3389", []checkCase{
		{"default ACL fails", []*inventory.Item{ec2ACL("acl-1", ec2DefaultEntries)},
			[]want{{compliance.Fail, "acl-1", "TCP port 3389: rule 100 allows all traffic"}}},
		{"ssh-only allow passes", []*inventory.Item{ec2ACL("acl-2",
			`{"ruleNumber":100,"protocol":"6","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":22,"to":22}},`+
				`{"ruleNumber":32767,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-2", "TCP port 3389"}}},
		{"earlier deny of 3389 wins", []*inventory.Item{ec2ACL("acl-3",
			`{"ruleNumber":50,"protocol":"6","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":3389,"to":3389}},`+
				`{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-3", ""}}},
		{"egress allow does not count", []*inventory.Item{ec2ACL("acl-4",
			`{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":true,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-4", ""}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2NetworkACL, "us-east-1", "ec2:DescribeNetworkAcls", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
	})
}
