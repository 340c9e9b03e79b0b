package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2NetworkACLIngressAnyPort(t *testing.T) {
	runCases(t, "ec2_networkacl_allow_ingress_any_port", []checkCase{
		{"default ACL fails", []*inventory.Item{ec2ACL("acl-1", ec2DefaultEntries)},
			[]want{{compliance.Fail, "acl-1", "rule 100 allows all traffic from 0.0.0.0/0"}}},
		{"a port deny does not stop all traffic", []*inventory.Item{ec2ACL("acl-2",
			`{"ruleNumber":50,"protocol":"6","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":22,"to":22}},`+
				`{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Fail, "acl-2", "rule 100"}}},
		{"specific ports pass", []*inventory.Item{ec2ACL("acl-3",
			`{"ruleNumber":100,"protocol":"6","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":443,"to":443}},`+
				`{"ruleNumber":32767,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-3", "every port"}}},
		{"deny all first passes", []*inventory.Item{ec2ACL("acl-4",
			`{"ruleNumber":1,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"},`+
				`{"ruleNumber":2,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-4", ""}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2NetworkACL, "us-east-1", "ec2:DescribeNetworkAcls", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
		{"no ACLs", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no network ACLs"}}},
	})
}
