package checks

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/compliance"
)

// TestEC2ChecksOnMoto runs the EC2, VPC, EBS, RDS and EFS collectors
// against moto and their checks over what they collected: the
// collectors' shapes and the checks' readings must agree.
func TestEC2ChecksOnMoto(t *testing.T) {
	// Without moto's default AMIs, whose snapshots it gives the account.
	t.Setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
	env := collecttest.New(t)
	ctx := t.Context()
	c := ec2.NewFromConfig(env.Config)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	must("create vpc", err)
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	peer, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	must("create peer vpc", err)
	peerID := aws.ToString(peer.Vpc.VpcId)
	_, err = c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{vpcID}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
		TrafficType: ec2types.TrafficTypeAll, LogGroupName: aws.String("flow"), DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + collecttest.Account + ":role/flow")})
	must("create flow log", err)
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.1.0/24")})
	must("create subnet", err)

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("smb"), Description: aws.String("smb"), VpcId: aws.String(vpcID)})
	must("create security group", err)
	sgID := aws.ToString(sg.GroupId)
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgID), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(445), ToPort: aws.Int32(445), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}},
	}})
	must("authorize ingress", err)
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	must("find default security group", err)
	defaultSG := aws.ToString(groups.SecurityGroups[0].GroupId)

	acl, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vpcID)})
	must("create network acl", err)
	aclID := aws.ToString(acl.NetworkAcl.NetworkAclId)
	for _, e := range []ec2.CreateNetworkAclEntryInput{
		{RuleNumber: aws.Int32(100), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionDeny, CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}},
		{RuleNumber: aws.Int32(200), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(0), To: aws.Int32(65535)}},
	} {
		e.NetworkAclId, e.Egress = aws.String(aclID), aws.Bool(false)
		_, err := c.CreateNetworkAclEntry(ctx, &e)
		must("create network acl entry", err)
	}

	pcx, err := c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: aws.String(vpcID), PeerVpcId: aws.String(peerID)})
	must("create peering", err)
	pcxID := aws.ToString(pcx.VpcPeeringConnection.VpcPeeringConnectionId)
	_, err = c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcxID)})
	must("accept peering", err)
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})
	must("create route table", err)
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(pcxID)})
	must("create peering route", err)

	ic := iam.NewFromConfig(env.Config)
	_, err = ic.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app")})
	must("create instance profile", err)
	hard, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-03cf127a"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		SubnetId: sub.Subnet.SubnetId, SecurityGroupIds: []string{sgID}, IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("app")},
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}})
	must("run hardened instance", err)
	hardID := aws.ToString(hard.Instances[0].InstanceId)
	plain, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-03cf127a"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	must("run plain instance", err)
	plainID := aws.ToString(plain.Instances[0].InstanceId)

	vol, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(1), Encrypted: aws.Bool(false)})
	must("create volume", err)
	volID := aws.ToString(vol.VolumeId)
	snapOut, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(volID)})
	must("create snapshot", err)
	snapID := aws.ToString(snapOut.SnapshotId)
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(snapID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd, GroupNames: []string{"all"}})
	must("make snapshot public", err)
	_, err = c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	must("enable encryption by default", err)

	rc := rds.NewFromConfig(env.Config)
	_, err = rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("legacy"), DBInstanceClass: aws.String("db.t3.micro"),
		Engine: aws.String("mysql"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-secret-0"), AllocatedStorage: aws.Int32(20),
		PubliclyAccessible: aws.Bool(true), StorageEncrypted: aws.Bool(false), MultiAZ: aws.Bool(false), AutoMinorVersionUpgrade: aws.Bool(false)})
	must("create db instance", err)
	_, err = rc.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("legacy"), DBSnapshotIdentifier: aws.String("legacy-snap")})
	must("create db snapshot", err)
	_, err = rc.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("legacy-snap"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}})
	must("make db snapshot public", err)
	fs, err := efs.NewFromConfig(env.Config).CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("plain"), Encrypted: aws.Bool(false)})
	must("create file system", err)
	fsID := aws.ToString(fs.FileSystemId)

	snap := env.Collect(t, []string{"us-east-1", "eu-west-1"}, "ec2-instances", "ec2-security-groups", "ec2-network-acls",
		"vpc-vpcs", "vpc-flow-logs", "vpc-route-tables", "vpc-peering-connections",
		"ebs-encryption-by-default", "ebs-volumes", "ebs-snapshots", "rds-instances", "rds-clusters", "rds-snapshots", "efs")
	if gaps := collecttest.Gaps(snap); len(gaps) > 0 {
		t.Fatalf("gaps: %+v", gaps[0].Errors)
	}
	a := compliance.NewAccount(snap.Account, snap.Items)
	names := map[string]string{}
	for _, it := range snap.Items {
		names[it.ResourceID] = it.ResourceName
	}

	// Expected statuses by check and resource (id, or name for RDS);
	// resources moto creates on its own (default VPCs, groups, ACLs) are
	// not listed and not compared.
	for check, want := range map[string]map[string]compliance.Status{
		"ec2_instance_profile_attached":                                  {hardID: compliance.Pass, plainID: compliance.Fail},
		"ec2_instance_imdsv2_enabled":                                    {hardID: compliance.Pass, plainID: compliance.Fail},
		"ec2_instance_public_ip":                                         {plainID: compliance.Fail},
		"ec2_instance_port_cifs_exposed_to_internet":                     {hardID: compliance.Fail},
		"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22":   {sgID: compliance.Fail, defaultSG: compliance.Pass},
		"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389": {sgID: compliance.Pass},
		"ec2_securitygroup_allow_ingress_from_internet_to_all_ports":     {sgID: compliance.Pass},
		"ec2_securitygroup_common_ports_restricted":                      {sgID: compliance.Pass},
		"ec2_securitygroup_default_restrict_traffic":                     {defaultSG: compliance.Fail},
		"ec2_networkacl_allow_ingress_tcp_port_22":                       {aclID: compliance.Pass},
		"ec2_networkacl_allow_ingress_tcp_port_3389":                     {aclID: compliance.Fail},
		"ec2_networkacl_allow_ingress_any_port":                          {aclID: compliance.Pass},
		"vpc_flow_logs_enabled":                                          {vpcID: compliance.Pass, peerID: compliance.Fail},
		"vpc_peering_routing_tables_with_least_privilege":                {pcxID: compliance.Fail},
		"vpc_endpoints_for_aws_services_manual":                          {vpcID: compliance.Manual},
		"ec2_ebs_volume_encryption":                                      {volID: compliance.Fail},
		"ec2_ebs_public_snapshot":                                        {snapID: compliance.Fail},
		"rds_instance_storage_encrypted":                                 {"legacy": compliance.Fail},
		"rds_instance_minor_version_upgrade_enabled":                     {"legacy": compliance.Fail},
		"rds_instance_no_public_access":                                  {"legacy": compliance.Fail},
		"rds_instance_multi_az":                                          {"legacy": compliance.Fail},
		"rds_snapshots_public_access":                                    {"legacy-snap": compliance.Fail},
		"efs_encryption_at_rest_enabled":                                 {fsID: compliance.Fail},
	} {
		t.Run(check, func(t *testing.T) {
			got, err := compliance.Evaluate(a, compliance.Options{Checks: []string{check}})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, r := range got {
				key := r.ResourceID
				if _, ok := want[key]; !ok {
					key = names[r.ResourceID]
				}
				if w, ok := want[key]; ok {
					seen[key] = true
					if r.Status != w {
						t.Errorf("%s: %s %q, want %s", key, r.Status, r.Reason, w)
					}
				}
				if r.Status == compliance.Error {
					t.Errorf("%s: ERROR %q", r.ResourceID, r.Reason)
				}
			}
			for key := range want {
				if !seen[key] {
					t.Errorf("no result for %s in %s", key, dump(got))
				}
			}
		})
	}

	// Encryption by default: on where enabled, off elsewhere.
	got, err := compliance.Evaluate(a, compliance.Options{Checks: []string{"ec2_ebs_default_encryption"}})
	if err != nil || len(got) != 2 || got[0].Region != "eu-west-1" || got[0].Status != compliance.Fail || got[1].Status != compliance.Pass {
		t.Errorf("ec2_ebs_default_encryption: %v\n%s", err, dump(got))
	}
}
