package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Resource types of the EC2, VPC and EBS collectors, as AWS Config records
// them: configuration is the API's description of the resource with
// lower-camel keys, as Config's.
const (
	// TypeEC2Instance is an instance as DescribeInstances describes it
	// (state, metadataOptions, iamInstanceProfile, publicIpAddress,
	// securityGroups, networkInterfaces with their groups, …), with
	// relationships to its subnet, VPC, security groups, network interfaces
	// and volumes.
	TypeEC2Instance = "AWS::EC2::Instance"
	// TypeEC2SecurityGroup is a security group. Each permission of
	// ipPermissions and ipPermissionsEgress lists its IPv4 sources as Config
	// does, twice: ipRanges (CIDR strings) and ipv4Ranges ({cidrIp,
	// description}); IPv6 sources are ipv6Ranges ({cidrIpv6, description}).
	TypeEC2SecurityGroup = "AWS::EC2::SecurityGroup"
	// TypeEC2NetworkACL is a network ACL: entries (ruleNumber, protocol as a
	// number, ruleAction, egress, cidrBlock or ipv6CidrBlock, portRange) and
	// subnet associations.
	TypeEC2NetworkACL = "AWS::EC2::NetworkAcl"
	// TypeEC2VPC is a VPC; isDefault marks the default VPC.
	TypeEC2VPC = "AWS::EC2::VPC"
	// TypeEC2FlowLog is a flow log; the item's resourceId is the flow log id
	// and configuration.resourceId the VPC, subnet or interface it logs.
	TypeEC2FlowLog = "AWS::EC2::FlowLog"
	// TypeEC2RouteTable is a route table: routes (a route through a peering
	// connection names its vpcPeeringConnectionId) and associations.
	TypeEC2RouteTable = "AWS::EC2::RouteTable"
	// TypeEC2VPCPeering is a VPC peering connection: requesterVpcInfo and
	// accepterVpcInfo (vpcId, ownerId, region, cidrBlock, cidrBlockSet,
	// ipv6CidrBlockSet) and status.code.
	TypeEC2VPCPeering = "AWS::EC2::VPCPeeringConnection"
	// TypeEC2Volume is an EBS volume (encrypted, kmsKeyId, attachments).
	TypeEC2Volume = "AWS::EC2::Volume"

	typeEC2Subnet             = "AWS::EC2::Subnet"
	typeEC2NetworkInterface   = "AWS::EC2::NetworkInterface"
	relContainedInVpc         = "Is contained in Vpc"
	relAssociatedWithSecGroup = "Is associated with SecurityGroup"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "ec2-instances",
		ResourceTypes: []string{TypeEC2Instance},
		Permissions:   []string{"ec2:DescribeInstances"},
		Collect:       collectInstances,
	})
}

// collectInstances lists the region's instances (every state AWS still
// reports, terminated ones included for about an hour) with their
// metadata options, instance profile, addresses and security groups.
func collectInstances(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-instances"}, TypeEC2Instance,
		ec2.NewDescribeInstancesPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeInstancesInput{}),
		func(all, o *ec2.DescribeInstancesOutput) {
			all.Reservations = append(all.Reservations, o.Reservations...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			id := aws.ToString(in.InstanceId)
			it := s.NewItem(TypeEC2Instance, id, "", ec2ARN(s, "instance", id), in)
			it.Tags = ec2Tags(in.Tags)
			it.ResourceCreationTime = in.LaunchTime
			if in.Placement != nil && aws.ToString(in.Placement.AvailabilityZone) != "" {
				it.AvailabilityZone = aws.ToString(in.Placement.AvailabilityZone)
			}
			rels := []inventory.Relationship{
				ec2Rel(typeEC2Subnet, aws.ToString(in.SubnetId), "Is contained in Subnet"),
				ec2Rel(TypeEC2VPC, aws.ToString(in.VpcId), relContainedInVpc),
			}
			for _, g := range in.SecurityGroups {
				rels = append(rels, ec2Rel(TypeEC2SecurityGroup, aws.ToString(g.GroupId), relAssociatedWithSecGroup))
			}
			for _, n := range in.NetworkInterfaces {
				rels = append(rels, ec2Rel(typeEC2NetworkInterface, aws.ToString(n.NetworkInterfaceId), "Contains NetworkInterface"))
			}
			for _, b := range in.BlockDeviceMappings {
				if b.Ebs != nil {
					rels = append(rels, ec2Rel(TypeEC2Volume, aws.ToString(b.Ebs.VolumeId), "Is attached to Volume"))
				}
			}
			it.Relationships = ec2Rels(rels...)
			items = append(items, it)
		}
	}
	return items, nil
}
