package synth

// Routine activity: EC2, SSM, ECR, load balancers and CloudFormation.

import (
	"strconv"
	"strings"
)

var ec2Reads = []string{
	"DescribeInstances", "DescribeInstances", "DescribeInstances", "DescribeSecurityGroups", "DescribeVolumes",
	"DescribeSubnets", "DescribeVpcs", "DescribeNetworkInterfaces", "DescribeImages", "DescribeInstanceStatus",
	"DescribeTags", "DescribeRegions", "DescribeAvailabilityZones", "DescribeSnapshots", "DescribeAddresses",
	"DescribeLaunchTemplates", "DescribeRouteTables",
}

func actEC2Describe(g *gen) {
	name := pick(g.r, ec2Reads)
	e := g.start(g.anyCaller(), "ec2.amazonaws.com", name, true)
	e.version = "1.10"
	w := g.reqW()
	w.Open()
	switch name {
	case "DescribeInstances":
		w.KO("instancesSet")
		if chance(g.r, 0.4) {
			w.KA("items")
			for range 1 + g.r.IntN(3) {
				w.Open()
				w.KS("instanceId", pick(g.r, g.rg.instances))
				w.Close()
			}
			w.EndArr()
		}
		w.Close()
		w.KO("filterSet")
		w.Close()
	case "DescribeSecurityGroups":
		w.KO("securityGroupSet")
		w.Close()
		w.KO("securityGroupIdSet")
		if chance(g.r, 0.5) {
			w.KA("items")
			w.Open()
			w.KS("groupId", pick(g.r, g.rg.sgs))
			w.Close()
			w.EndArr()
		}
		w.Close()
		w.KO("filterSet")
		w.Close()
	case "DescribeSubnets":
		w.KO("subnetSet")
		w.Close()
		w.KO("filterSet")
		w.KA("items")
		w.Open()
		w.KS("name", "vpc-id")
		w.KO("valueSet")
		w.KA("items")
		w.Open()
		w.KS("value", pick(g.r, g.rg.vpcs))
		w.Close()
		w.EndArr()
		w.Close()
		w.Close()
		w.EndArr()
		w.Close()
	case "DescribeImages":
		w.KO("executableBySet")
		w.Close()
		w.KO("ownersSet")
		w.KA("items")
		w.Open()
		w.KS("owner", "amazon")
		w.Close()
		w.EndArr()
		w.Close()
		w.KB("includeDeprecated", false)
	case "DescribeInstanceStatus":
		w.KO("instancesSet")
		w.Close()
		w.KO("filterSet")
		w.Close()
		w.KB("includeAllInstances", true)
	default:
		w.KO("filterSet")
		w.Close()
		if chance(g.r, 0.5) {
			w.KI("maxResults", 1000)
		}
	}
	w.Close()
	g.maybeFail(0.02)
}

func actSSMAgent(g *gen) {
	var ec2 []*principal
	for _, p := range g.acct.apps {
		if p.id.EC2RoleDelivery {
			ec2 = append(ec2, p)
		}
	}
	p := pick(g.r, ec2)
	e := g.start(p, "ssm.amazonaws.com", "UpdateInstanceInformation", false)
	e.version = "1.08"
	e.agent = uaSSMAgent
	e.ip = pick(g.r, g.privIPs)
	w := g.reqW()
	w.Open()
	w.KS("instanceId", p.name)
	w.KS("agentVersion", "3.3.40.0")
	w.KS("agentStatus", "Active")
	w.KS("platformType", "Linux")
	w.KS("platformName", "Amazon Linux")
	w.KS("platformVersion", "2023")
	w.KS("iPAddress", e.ip)
	w.KS("computerName", "ip-"+strings.ReplaceAll(e.ip, ".", "-")+"."+g.region+".compute.internal")
	w.KS("agentName", "amazon-ssm-agent")
	w.KS("availabilityZone", g.region+"a")
	w.Close()
}

func actSSMParameter(g *gen) {
	name := pick(g.r, []string{"GetParameter", "GetParameters", "GetParametersByPath", "DescribeParameters"})
	e := g.start(pick(g.r, g.acct.apps), "ssm.amazonaws.com", name, true)
	e.version = "1.08"
	w := g.reqW()
	w.Open()
	switch name {
	case "GetParameter":
		w.KS("name", pick(g.r, paramNames))
		w.KB("withDecryption", true)
	case "GetParameters":
		w.KA("names")
		w.Str(pick(g.r, paramNames))
		w.Str(pick(g.r, paramNames))
		w.EndArr()
		w.KB("withDecryption", true)
	case "GetParametersByPath":
		w.KS("path", "/prod/")
		w.KB("recursive", true)
		w.KB("withDecryption", true)
	default:
		w.KI("maxResults", 50)
	}
	w.Close()
	g.maybeFail(0.03)
}

func actECR(g *gen) {
	var ec2 []*principal
	for _, p := range g.acct.apps {
		if p.id.EC2RoleDelivery {
			ec2 = append(ec2, p)
		}
	}
	name := pick(g.r, []string{"GetAuthorizationToken", "GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer"})
	e := g.start(pick(g.r, ec2), "ecr.amazonaws.com", name, true)
	e.version = "1.08"
	e.ip = pick(g.r, g.privIPs)
	e.agent = "AWS Internal"
	if name == "GetAuthorizationToken" {
		return
	}
	repo := "arn:aws:ecr:" + g.region + ":" + g.acct.id + ":repository/" + pick(g.r, g.rg.functions)
	w := g.reqW()
	w.Open()
	w.KS("repositoryName", repo[strings.LastIndexByte(repo, '/')+1:])
	w.KS("registryId", g.acct.id)
	w.Close()
	g.res(repo, "", g.acct.id, "AWS::ECR::Repository")
}

func actCloudFormation(g *gen) {
	name := pick(g.r, []string{"DescribeStacks", "ListStacks", "DescribeStackEvents", "GetTemplate"})
	p := g.acct.ci[0]
	if chance(g.r, 0.4) {
		p = g.anyCaller()
	}
	e := g.start(p, "cloudformation.amazonaws.com", name, true)
	e.version = "1.08"
	if name == "ListStacks" {
		return
	}
	w := g.reqW()
	w.Open()
	w.KS("stackName", pick(g.r, []string{"network-baseline", "app-backend", "data-platform", "StackSet-guardduty-" + g.acct.id}))
	w.Close()
}

func actELB(g *gen) {
	name := pick(g.r, []string{"DescribeTargetHealth", "DescribeLoadBalancers", "DescribeTargetGroups"})
	e := g.start(g.anyCaller(), "elasticloadbalancing.amazonaws.com", name, true)
	e.version = "1.08"
	w := g.reqW()
	w.Open()
	if name == "DescribeTargetHealth" {
		w.KS("targetGroupArn", "arn:aws:elasticloadbalancing:"+g.region+":"+g.acct.id+":targetgroup/app-backend/"+randHex(g.r, 16))
	} else {
		w.KI("pageSize", 400)
	}
	w.Close()
}

// actEC2Write: routine EC2 changes by pipelines and people. Security group
// rules here only ever open private ranges.
func actEC2Write(g *gen) {
	a := g.acct
	p := a.ci[0]
	if chance(g.r, 0.3) {
		p = pick(g.r, a.humans)
	}
	switch g.r.IntN(4) {
	case 0, 1:
		e := g.start(p, "ec2.amazonaws.com", "CreateTags", false)
		e.version = "1.10"
		g.createTagsRequest(pick(g.r, g.rg.instances), "Team", pick(g.r, []string{"platform", "payments", "data", "data", "데이터", "ml"}))
		w := g.respW()
		w.Open()
		w.KS("requestId", randUUID(g.r))
		w.KB("_return", true)
		w.Close()
	case 2:
		name := pick(g.r, []string{"StopInstances", "StartInstances", "RebootInstances"})
		e := g.start(p, "ec2.amazonaws.com", name, false)
		e.version = "1.10"
		w := g.reqW()
		w.Open()
		w.KO("instancesSet")
		w.KA("items")
		w.Open()
		w.KS("instanceId", pick(g.r, g.rg.instances))
		w.Close()
		w.EndArr()
		w.Close()
		w.Close()
	default:
		e := g.start(p, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false)
		e.version = "1.10"
		port := int64(pick(g.r, []int{443, 5432, 6379, 8080}))
		g.sgIngressRequest(pick(g.r, g.rg.sgs), "10."+strconv.Itoa(g.r.IntN(256))+".0.0/16", port)
	}
	g.maybeFail(0.03)
}

func (g *gen) createTagsRequest(resourceID, key, value string) {
	w := g.reqW()
	w.Open()
	w.KO("resourcesSet")
	w.KA("items")
	w.Open()
	w.KS("resourceId", resourceID)
	w.Close()
	w.EndArr()
	w.Close()
	w.KO("tagSet")
	w.KA("items")
	w.Open()
	w.KS("key", key)
	w.KS("value", value)
	w.Close()
	w.EndArr()
	w.Close()
	w.Close()
}

func (g *gen) sgIngressRequest(groupID, cidr string, port int64) {
	w := g.reqW()
	w.Open()
	w.KS("groupId", groupID)
	w.KO("ipPermissions")
	w.KA("items")
	w.Open()
	w.KS("ipProtocol", "tcp")
	w.KI("fromPort", port)
	w.KI("toPort", port)
	w.KO("groups")
	w.Close()
	v6 := isIPv6(cidr)
	w.KO("ipRanges")
	if !v6 {
		w.KA("items")
		w.Open()
		w.KS("cidrIp", cidr)
		w.Close()
		w.EndArr()
	}
	w.Close()
	w.KO("ipv6Ranges")
	if v6 {
		w.KA("items")
		w.Open()
		w.KS("cidrIpv6", cidr)
		w.Close()
		w.EndArr()
	}
	w.Close()
	w.KO("prefixListIds")
	w.Close()
	w.Close()
	w.EndArr()
	w.Close()
	w.Close()
}
