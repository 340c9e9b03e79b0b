package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRDSInstanceNoPublicAccess(t *testing.T) {
	open := ec2SG("sg-db", "db", `{"ipProtocol":"tcp","fromPort":3306,"toPort":3306,"ipRanges":["0.0.0.0/0"]}`)
	closed := ec2SG("sg-app", "app", `{"ipProtocol":"tcp","fromPort":3306,"toPort":3306,"userIdGroupPairs":[{"groupId":"sg-web"}]}`)
	runCases(t, "rds_instance_no_public_access", []checkCase{
		{"private passes", []*inventory.Item{rdsDB("orders", `,"publiclyAccessible":false`)},
			[]want{{compliance.Pass, "db-orders", "not publicly accessible"}}},
		{"public and open fails", []*inventory.Item{open, rdsDB("legacy", `,"publiclyAccessible":true,"endpoint":{"port":3306},"vpcSecurityGroups":[{"vpcSecurityGroupId":"sg-db","status":"active"}]`)},
			[]want{{compliance.Fail, "db-legacy", "open to the internet: sg-db: tcp/3306 from 0.0.0.0/0"}}},
		{"public behind closed groups fails", []*inventory.Item{closed, rdsDB("shop", `,"publiclyAccessible":true,"endpoint":{"port":3306},"vpcSecurityGroups":[{"vpcSecurityGroupId":"sg-app"}]`)},
			[]want{{compliance.Fail, "db-shop", "do not admit the internet on port 3306"}}},
		{"Config's sample (no endpoint yet) fails", []*inventory.Item{rdsDB("myrdstest", `,"dBInstanceStatus":"creating","publiclyAccessible":true,"dbInstancePort":0,"vpcSecurityGroups":[{"vpcSecurityGroupId":"sg-e627199e","status":"active"}]`)},
			[]want{{compliance.Fail, "db-myrdstest", "myrdstest is publicly accessible"}}},
		{"unrecorded is an error", []*inventory.Item{rdsDB("old", ``)}, []want{{compliance.Error, "db-old", "not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeRDSInstance, "us-east-1", "rds:DescribeDBInstances", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBInstances"}}},
	})

	// Public behind closed security groups is of medium severity.
	a := compliance.NewAccount(testAccount, []*inventory.Item{closed, rdsDB("shop", `,"publiclyAccessible":true,"endpoint":{"port":3306},"vpcSecurityGroups":[{"vpcSecurityGroupId":"sg-app"}]`)})
	rs, err := compliance.Evaluate(a, compliance.Options{Checks: []string{"rds_instance_no_public_access"}})
	if err != nil || len(rs) != 1 || rs[0].Severity != compliance.Medium {
		t.Errorf("closed groups: %v %+v", err, rs)
	}
}
