package collect_test

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// ec2World is what seedEC2World created.
type ec2World struct {
	vpc, peerVPC, subnet, sg, nacl, routeTable, peering, flowLog string
	hardened, plain                                              string // instance ids
}

// ec2Collectors are the EC2 and VPC collectors.
var ec2Collectors = []string{"ec2-instances", "ec2-security-groups", "ec2-network-acls", "vpc-vpcs", "vpc-flow-logs", "vpc-route-tables", "vpc-peering-connections"}

// seedEC2World builds a small network in us-east-1: two VPCs peered with
// a route to the peer's whole CIDR, a security group open to the internet
// on 22 (IPv4) and 445 (IPv6), a network ACL that denies 22 before it
// allows everything, a flow log on the first VPC, and two instances: one
// with an instance profile and IMDSv2 required, one with neither.
func seedEC2World(t *testing.T, env *collecttest.Env) ec2World {
	t.Helper()
	ctx := t.Context()
	c := ec2.NewFromConfig(env.Config)
	var w ec2World

	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	ec2Must(t, "create vpc", err)
	w.vpc = aws.ToString(vpc.Vpc.VpcId)
	peer, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	ec2Must(t, "create peer vpc", err)
	w.peerVPC = aws.ToString(peer.Vpc.VpcId)
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(w.vpc), CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	ec2Must(t, "create subnet", err)
	w.subnet = aws.ToString(sub.Subnet.SubnetId)

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web servers"), VpcId: aws.String(w.vpc)})
	ec2Must(t, "create security group", err)
	w.sg = aws.ToString(sg.GroupId)
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(w.sg), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("ssh")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(445), ToPort: aws.Int32(445), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}},
	}})
	ec2Must(t, "authorize ingress", err)

	acl, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(w.vpc)})
	ec2Must(t, "create network acl", err)
	w.nacl = aws.ToString(acl.NetworkAcl.NetworkAclId)
	for _, e := range []ec2.CreateNetworkAclEntryInput{
		{RuleNumber: aws.Int32(100), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionDeny, CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}},
		{RuleNumber: aws.Int32(200), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String("0.0.0.0/0")},
	} {
		e.NetworkAclId, e.Egress = aws.String(w.nacl), aws.Bool(false)
		_, err := c.CreateNetworkAclEntry(ctx, &e)
		ec2Must(t, "create network acl entry", err)
	}

	pcx, err := c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: aws.String(w.vpc), PeerVpcId: aws.String(w.peerVPC)})
	ec2Must(t, "create peering", err)
	w.peering = aws.ToString(pcx.VpcPeeringConnection.VpcPeeringConnectionId)
	_, err = c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(w.peering)})
	ec2Must(t, "accept peering", err)
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(w.vpc)})
	ec2Must(t, "create route table", err)
	w.routeTable = aws.ToString(rt.RouteTable.RouteTableId)
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(w.routeTable), DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(w.peering)})
	ec2Must(t, "create peering route", err)
	_, err = c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(w.routeTable), SubnetId: aws.String(w.subnet)})
	ec2Must(t, "associate route table", err)

	fl, err := c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{
		ResourceIds: []string{w.vpc}, ResourceType: ec2types.FlowLogsResourceTypeVpc, TrafficType: ec2types.TrafficTypeAll,
		LogGroupName: aws.String("vpc-flow"), DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + collecttest.Account + ":role/flow-logs"),
	})
	ec2Must(t, "create flow log", err)
	if len(fl.FlowLogIds) != 1 {
		t.Fatalf("flow logs created: %+v", fl)
	}
	w.flowLog = fl.FlowLogIds[0]

	ic := iam.NewFromConfig(env.Config)
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	ec2Must(t, "create role", err)
	_, err = ic.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	ec2Must(t, "create instance profile", err)
	_, err = ic.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("app")})
	ec2Must(t, "add role to profile", err)

	hard, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String(ec2AMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro,
		SubnetId: aws.String(w.subnet), SecurityGroupIds: []string{w.sg},
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("app-profile")},
		MetadataOptions:    &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled},
		TagSpecifications:  []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("hardened")}}}},
	})
	ec2Must(t, "run hardened instance", err)
	w.hardened = aws.ToString(hard.Instances[0].InstanceId)
	plain, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ec2AMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	ec2Must(t, "run plain instance", err)
	w.plain = aws.ToString(plain.Instances[0].InstanceId)
	return w
}

func TestEC2NetworkCollectors(t *testing.T) {
	env := collecttest.New(t)
	w := seedEC2World(t, env)
	snap := env.Collect(t, []string{"us-east-1"}, ec2Collectors...)
	ec2AssertDeclared(t, snap, ec2Collectors...)
	if gaps := collecttest.Gaps(snap); len(gaps) > 0 {
		t.Fatalf("gaps: %+v", gaps[0].Errors)
	}

	t.Run("instance", func(t *testing.T) {
		it := ec2Item(t, snap, collect.TypeEC2Instance, w.hardened)
		c := it.Conf()
		if got := inventory.Str(c, "metadataOptions", "httpTokens"); got != "required" {
			t.Errorf("metadataOptions.httpTokens = %q", got)
		}
		if arn := inventory.Str(c, "iamInstanceProfile", "arn"); arn != "arn:aws:iam::"+collecttest.Account+":instance-profile/app-profile" {
			t.Errorf("iamInstanceProfile.arn = %q", arn)
		}
		if got := inventory.Str(c, "state", "name"); got != "running" {
			t.Errorf("state.name = %q", got)
		}
		if got := inventory.Str(inventory.List(c, "securityGroups")[0], "groupId"); got != w.sg {
			t.Errorf("securityGroups[0].groupId = %q, want %s", got, w.sg)
		}
		if it.ARN != "arn:aws:ec2:us-east-1:"+collecttest.Account+":instance/"+w.hardened || it.Region != "us-east-1" || it.AvailabilityZone != "us-east-1a" {
			t.Errorf("arn %s region %s zone %s", it.ARN, it.Region, it.AvailabilityZone)
		}
		if it.Tags["Name"] != "hardened" || it.ResourceCreationTime == nil {
			t.Errorf("tags %v creation %v", it.Tags, it.ResourceCreationTime)
		}
		want := map[string]string{w.sg: "Is associated with SecurityGroup", w.subnet: "Is contained in Subnet", w.vpc: "Is contained in Vpc"}
		for _, r := range it.Relationships {
			delete(want, r.ResourceID)
		}
		if len(want) > 0 {
			t.Errorf("missing relationships %v in %+v", want, it.Relationships)
		}
		plain := ec2Item(t, snap, collect.TypeEC2Instance, w.plain).Conf()
		if inventory.Get(plain, "iamInstanceProfile") != nil || inventory.Str(plain, "metadataOptions", "httpTokens") != "optional" {
			t.Errorf("plain instance: profile %v, metadata %v", inventory.Get(plain, "iamInstanceProfile"), inventory.Get(plain, "metadataOptions"))
		}
		if inventory.Str(plain, "publicIpAddress") == "" {
			t.Errorf("plain instance in the default VPC has no public IP: %s", ec2Item(t, snap, collect.TypeEC2Instance, w.plain).Configuration)
		}
	})

	t.Run("security group in Config's spelling", func(t *testing.T) {
		it := ec2Item(t, snap, collect.TypeEC2SecurityGroup, w.sg)
		if it.ResourceName != "web" || it.ARN != "arn:aws:ec2:us-east-1:"+collecttest.Account+":security-group/"+w.sg {
			t.Errorf("name %q arn %q", it.ResourceName, it.ARN)
		}
		perms := inventory.List(it.Conf(), "ipPermissions")
		if len(perms) != 2 {
			t.Fatalf("ipPermissions %s", it.Configuration)
		}
		byPort := map[int64]any{}
		for _, p := range perms {
			n, _ := inventory.Int(p, "fromPort")
			byPort[n] = p
		}
		ssh := byPort[22]
		if !reflect.DeepEqual(inventory.List(ssh, "ipRanges"), []any{"0.0.0.0/0"}) || inventory.Str(inventory.List(ssh, "ipv4Ranges")[0], "cidrIp") != "0.0.0.0/0" {
			t.Errorf("port 22: %v", ssh)
		}
		if v6 := inventory.List(byPort[445], "ipv6Ranges"); len(v6) != 1 || inventory.Str(v6[0], "cidrIpv6") != "::/0" {
			t.Errorf("port 445: %v", byPort[445])
		}
		if len(inventory.List(it.Conf(), "ipPermissionsEgress")) != 1 {
			t.Errorf("egress %v", inventory.Get(it.Conf(), "ipPermissionsEgress"))
		}
	})

	t.Run("network acl", func(t *testing.T) {
		it := ec2Item(t, snap, collect.TypeEC2NetworkACL, w.nacl)
		var rules []string
		for _, e := range inventory.List(it.Conf(), "entries") {
			if egress, _ := inventory.Bool(e, "egress"); !egress {
				n, _ := inventory.Int(e, "ruleNumber")
				rules = append(rules, inventory.Str(e, "ruleAction")+" "+inventory.Str(e, "protocol")+" "+inventory.Str(e, "portRange", "from")+" #"+strconv.FormatInt(n, 10))
			}
		}
		for _, want := range []string{"deny 6 22 #100", "allow -1  #200"} {
			if !slices.Contains(rules, want) {
				t.Errorf("entries %v lack %q", rules, want)
			}
		}
	})

	t.Run("vpcs, flow log, route table, peering", func(t *testing.T) {
		if d, _ := inventory.Bool(ec2Item(t, snap, collect.TypeEC2VPC, w.vpc).Conf(), "isDefault"); d {
			t.Error("new VPC is default")
		}
		defaults := 0
		for _, v := range collecttest.Of(snap, collect.TypeEC2VPC) {
			if d, _ := inventory.Bool(v.Conf(), "isDefault"); d {
				defaults++
			}
		}
		if defaults != 1 {
			t.Errorf("%d default VPCs", defaults)
		}
		fl := ec2Item(t, snap, collect.TypeEC2FlowLog, w.flowLog)
		if inventory.Str(fl.Conf(), "resourceId") != w.vpc || inventory.Str(fl.Conf(), "trafficType") != "ALL" {
			t.Errorf("flow log %s", fl.Configuration)
		}
		rt := ec2Item(t, snap, collect.TypeEC2RouteTable, w.routeTable)
		found := false
		for _, r := range inventory.List(rt.Conf(), "routes") {
			if inventory.Str(r, "vpcPeeringConnectionId") == w.peering && inventory.Str(r, "destinationCidrBlock") == "10.1.0.0/16" {
				found = true
			}
		}
		if !found {
			t.Errorf("route table %s lacks the peering route", rt.Configuration)
		}
		pcx := ec2Item(t, snap, collect.TypeEC2VPCPeering, w.peering)
		if inventory.Str(pcx.Conf(), "accepterVpcInfo", "vpcId") != w.peerVPC || inventory.Str(pcx.Conf(), "requesterVpcInfo", "cidrBlock") != "10.0.0.0/16" {
			t.Errorf("peering %s", pcx.Configuration)
		}
		if len(pcx.Relationships) != 2 {
			t.Errorf("peering relationships %+v", pcx.Relationships)
		}
	})

	t.Run("record and replay", func(t *testing.T) { ec2RoundTrip(t, env, []string{"us-east-1"}, ec2Collectors...) })
}

// TestEC2CollectorsDenied: a denied list call is a gap naming the
// permission for its type only; the other collectors still answer.
func TestEC2CollectorsDenied(t *testing.T) {
	env := collecttest.New(t)
	w := seedEC2World(t, env)
	env.Proxy.Fail("DescribeSecurityGroups", "UnauthorizedOperation", http.StatusForbidden, -1)
	env.Proxy.Fail("DescribeFlowLogs", "UnauthorizedOperation", http.StatusForbidden, -1)
	snap := env.Collect(t, []string{"us-east-1"}, ec2Collectors...)
	for typ, perm := range map[string]string{collect.TypeEC2SecurityGroup: "ec2:DescribeSecurityGroups", collect.TypeEC2FlowLog: "ec2:DescribeFlowLogs"} {
		g := ec2GapFor(snap, "us-east-1", typ)
		if g == nil || g.Errors[0].Permission != perm || !g.Errors[0].Denied() {
			t.Errorf("%s: gap %+v", typ, g)
		}
		if n := len(collecttest.Of(snap, typ)); n != 0 {
			t.Errorf("%s: %d items despite the denial", typ, n)
		}
	}
	if len(collecttest.Gaps(snap)) != 2 {
		t.Errorf("gaps %+v", collecttest.Gaps(snap))
	}
	ec2Item(t, snap, collect.TypeEC2Instance, w.hardened)
	ec2Item(t, snap, collect.TypeEC2VPC, w.vpc)
}

// TestEC2InstancesPaginate: moto pages DescribeInstances at 100
// reservations; all pages are merged into one answer.
func TestEC2InstancesPaginate(t *testing.T) {
	env := collecttest.New(t)
	c := ec2.NewFromConfig(env.Config)
	const n = 103
	for i := range n {
		_, err := c.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String(ec2AMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
		ec2Must(t, "run instance "+strconv.Itoa(i), err)
	}
	env.Proxy.ClearRequests()
	snap := env.Collect(t, []string{"us-east-1"}, "ec2-instances")
	if got := len(collecttest.Of(snap, collect.TypeEC2Instance)); got != n {
		t.Errorf("%d instances, want %d", got, n)
	}
	if pages := env.Proxy.Calls("DescribeInstances"); pages != 2 {
		t.Errorf("%d DescribeInstances pages, want 2", pages)
	}
	if snap.Calls["ec2:DescribeInstances"] != 1 {
		t.Errorf("calls %v: one merged call expected", snap.Calls)
	}
}
