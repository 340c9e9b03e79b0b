package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2InstancePortCIFSExposedToInternet(t *testing.T) {
	const (
		inst = collect.TypeEC2Instance
		sg   = collect.TypeEC2SecurityGroup
	)
	// Vigil's spelling: IPv6 source on 445.
	smb6 := item(sg, "us-east-1", "sg-smb6", `{"groupId":"sg-smb6","ipPermissions":[{"ipProtocol":"tcp","fromPort":445,"toPort":445,"ipRanges":[],"ipv4Ranges":[],"ipv6Ranges":[{"cidrIpv6":"::/0"}]}]}`)
	// Config's older spelling: ipRanges as strings, a range covering 139.
	netbios := item(sg, "us-east-1", "sg-nb", `{"groupId":"sg-nb","ipPermissions":[{"ipProtocol":"6","fromPort":135,"toPort":139,"ipRanges":["0.0.0.0/0"]}]}`)
	office := item(sg, "us-east-1", "sg-office", `{"groupId":"sg-office","ipPermissions":[{"ipProtocol":"tcp","fromPort":445,"toPort":445,"ipv4Ranges":[{"cidrIp":"203.0.113.0/24"}]},{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":["0.0.0.0/0"]}]}`)
	runCases(t, "ec2_instance_port_cifs_exposed_to_internet", []checkCase{
		{"office network only passes", []*inventory.Item{office,
			item(inst, "us-east-1", "i-1", `{"state":{"name":"running"},"publicIpAddress":"3.3.3.3","securityGroups":[{"groupId":"sg-office"}]}`)},
			[]want{{compliance.Pass, "i-1", "no attached security group"}}},
		{"IPv6 445 through an interface fails", []*inventory.Item{office, smb6,
			item(inst, "us-east-1", "i-2", `{"state":{"name":"running"},"publicIpAddress":"3.3.3.3","securityGroups":[{"groupId":"sg-office"}],"networkInterfaces":[{"groups":[{"groupId":"sg-smb6"}]}]}`)},
			[]want{{compliance.Fail, "i-2", "sg-smb6: tcp/445 from ::/0"}}},
		{"port range in Config's spelling fails", []*inventory.Item{netbios,
			item(inst, "us-east-1", "i-3", `{"State":{"Name":"running"},"PublicIpAddress":"3.3.3.3","SecurityGroups":[{"GroupId":"sg-nb","GroupName":"netbios"}]}`)},
			[]want{{compliance.Fail, "i-3", "tcp/139 from 0.0.0.0/0"}}},
		{"unknown group is an error", []*inventory.Item{
			item(inst, "us-east-1", "i-4", `{"state":{"name":"running"},"securityGroups":[{"groupId":"sg-gone"}]}`)},
			[]want{{compliance.Error, "i-4", "sg-gone is not in the snapshot"}}},
		{"security groups denied is an error", []*inventory.Item{gap(sg, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation"),
			item(inst, "us-east-1", "i-5", `{"state":{"name":"running"},"securityGroups":[{"groupId":"sg-smb6"}]}`)},
			[]want{{compliance.Error, "i-5", "missing permission ec2:DescribeSecurityGroups"}}},
		{"instances denied is an error", []*inventory.Item{gap(inst, "us-east-1", "ec2:DescribeInstances", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeInstances"}}},
	})

	// Without a public IP the failure is of medium severity.
	a := compliance.NewAccount(testAccount, []*inventory.Item{smb6,
		item(inst, "us-east-1", "i-6", `{"state":{"name":"running"},"securityGroups":[{"groupId":"sg-smb6"}]}`)})
	rs, err := compliance.Evaluate(a, compliance.Options{Checks: []string{"ec2_instance_port_cifs_exposed_to_internet"}})
	if err != nil || len(rs) != 1 || rs[0].Status != compliance.Fail || rs[0].Severity != compliance.Medium {
		t.Errorf("private instance: %v %+v", err, rs)
	}
}
