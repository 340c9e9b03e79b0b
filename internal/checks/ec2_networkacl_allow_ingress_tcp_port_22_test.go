package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// ec2ACL builds a network ACL item with the given entries.
func ec2ACL(id, entries string) *inventory.Item {
	return item(collect.TypeEC2NetworkACL, "us-east-1", id, `{"networkAclId":"`+id+`","vpcId":"vpc-1","isDefault":false,"entries":[`+entries+`]}`)
}

// Entries of Config's sample default network ACL: allow everything.
const ec2DefaultEntries = `{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":true,"cidrBlock":"0.0.0.0/0"},` +
	`{"ruleNumber":32767,"protocol":"-1","ruleAction":"deny","egress":true,"cidrBlock":"0.0.0.0/0"},` +
	`{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"},` +
	`{"ruleNumber":32767,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"}`

func TestEC2NetworkACLIngressTCP22(t *testing.T) {
	runCases(t, "ec2_networkacl_allow_ingress_tcp_port_22", []checkCase{
		{"default ACL fails", []*inventory.Item{ec2ACL("acl-b48fd1d0", ec2DefaultEntries)},
			[]want{{compliance.Fail, "acl-b48fd1d0", "rule 100 allows all traffic from 0.0.0.0/0"}}},
		{"earlier deny wins", []*inventory.Item{ec2ACL("acl-1",
			`{"ruleNumber":200,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"},`+
				`{"ruleNumber":90,"protocol":"6","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":22,"to":22}},`+
				`{"ruleNumber":100,"protocol":"-1","ruleAction":"deny","egress":false,"ipv6CidrBlock":"::/0"}`)},
			[]want{{compliance.Pass, "acl-1", "does not let the internet reach TCP port 22"}}},
		{"later deny loses", []*inventory.Item{ec2ACL("acl-2",
			`{"ruleNumber":100,"protocol":"6","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":1,"to":1024}},`+
				`{"ruleNumber":110,"protocol":"6","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{"from":22,"to":22}}`)},
			[]want{{compliance.Fail, "acl-2", "rule 100 allows tcp/1-1024 from 0.0.0.0/0"}}},
		{"IPv6 allow fails although IPv4 is denied", []*inventory.Item{ec2ACL("acl-3",
			`{"ruleNumber":10,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"},`+
				`{"ruleNumber":20,"protocol":"6","ruleAction":"allow","egress":false,"ipv6CidrBlock":"::/0","portRange":{"from":22,"to":22}}`)},
			[]want{{compliance.Fail, "acl-3", "tcp/22 from ::/0"}}},
		{"allow from a partner passes", []*inventory.Item{ec2ACL("acl-4",
			`{"ruleNumber":100,"protocol":"6","ruleAction":"allow","egress":false,"cidrBlock":"198.51.100.0/24","portRange":{"from":22,"to":22}},`+
				`{"ruleNumber":32767,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"}`)},
			[]want{{compliance.Pass, "acl-4", ""}}},
		{"API spelling", []*inventory.Item{ec2ACL("acl-5", `{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":22,"To":22}}`)},
			[]want{{compliance.Fail, "acl-5", "rule 100"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2NetworkACL, "us-east-1", "ec2:DescribeNetworkAcls", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeNetworkAcls"}}},
	})
}
