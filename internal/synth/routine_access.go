package synth

// Routine activity: STS, IAM, sign-in, the console, CloudWatch and AWS
// service events.

import (
	"strconv"
	"strings"
	"time"
)

// appendExpiration appends an STS expiration as CloudTrail words it:
// "Jul 30, 2024, 9:46:15 PM".
func (g *gen) appendExpiration(b []byte, sec int) []byte {
	t := g.day.Add(time.Duration(sec) * time.Second)
	return t.AppendFormat(b, "Jan 2, 2006, 3:04:05 PM")
}

// writeCredentials writes responseElements of a successful AssumeRole*.
func (g *gen) writeCredentials(role *principal, session string, assumed bool) {
	w := g.respW()
	w.Open()
	w.KO("credentials")
	w.Key("accessKeyId")
	w.b = append(w.b, `"ASIA`...)
	w.b = appendRandChars(w.b, g.r, alnumUpper, 16)
	w.b = append(w.b, '"')
	w.c = true
	w.KS("sessionToken", pick(g.r, g.tokens))
	w.Key("expiration")
	w.b = append(w.b, '"')
	w.b = g.appendExpiration(w.b, g.sec+3600)
	w.b = append(w.b, '"')
	w.c = true
	w.Close()
	if assumed {
		w.KO("assumedRoleUser")
		w.KS("assumedRoleId", role.id.Issuer.PrincipalID+":"+session)
		w.KS("arn", "arn:aws:sts::"+g.acct.id+":assumed-role/"+role.id.Issuer.UserName+"/"+session)
		w.Close()
	}
	w.Close()
}

func (g *gen) assumeRoleRequest(roleARN, session string, duration int) {
	w := g.reqW()
	w.Open()
	w.KS("roleArn", roleARN)
	w.KS("roleSessionName", session)
	if duration > 0 {
		w.KI("durationSeconds", int64(duration))
	}
	w.Close()
}

// actAssumeRoleByService: EC2, Lambda and ECS fetching workload credentials.
func actAssumeRoleByService(g *gen) {
	role := pick(g.r, g.acct.apps)
	svc := "lambda.amazonaws.com"
	switch {
	case role.id.EC2RoleDelivery:
		svc = "ec2.amazonaws.com"
	case strings.HasPrefix(role.id.Issuer.UserName, "orders-api"):
		svc = "ecs-tasks.amazonaws.com"
	case strings.HasPrefix(role.id.Issuer.UserName, "Datadog"):
		role = g.acct.apps[0]
		svc = "ec2.amazonaws.com"
	}
	e := g.serviceCall(svc, "sts.amazonaws.com", "AssumeRole", true)
	e.version = "1.08"
	e.shared = true
	g.assumeRoleRequest(role.id.Issuer.ARN, role.name, 0)
	g.writeCredentials(role, role.name, false)
	g.res(role.id.Issuer.ARN, "", g.acct.id, "AWS::IAM::Role")
}

// actAssumeRole: people and pipelines assuming roles with the SDK.
func actAssumeRole(g *gen) {
	a := g.acct
	p := pick(g.r, a.humans)
	if chance(g.r, 0.4) {
		p = pick(g.r, a.services)
	}
	role := pick(g.r, a.apps)
	session := "botocore-session-" + strconv.Itoa(1700000000+g.r.IntN(30000000))
	e := g.start(p, "sts.amazonaws.com", "AssumeRole", true)
	e.version = "1.08"
	g.assumeRoleRequest(role.id.Issuer.ARN, session, 3600)
	g.writeCredentials(role, session, true)
	g.res(role.id.Issuer.ARN, "", a.id, "AWS::IAM::Role")
	g.maybeFail(0.04)
}

func actGetCallerIdentity(g *gen) {
	e := g.start(g.anyCaller(), "sts.amazonaws.com", "GetCallerIdentity", true)
	e.version = "1.08"
}

func actLogs(g *gen) {
	a := g.acct
	if chance(g.r, 0.6) {
		p := a.apps[len(a.apps)-2] // ingest-lambda-role
		e := g.start(p, "logs.amazonaws.com", "CreateLogStream", false)
		e.version = "1.08"
		w := g.reqW()
		w.Open()
		w.KS("logGroupName", "/aws/lambda/"+pick(g.r, g.rg.functions))
		w.Key("logStreamName")
		w.b = append(w.b, '"')
		w.b = append(w.b, g.dayPath...)
		w.b = append(w.b, "/[$LATEST]"...)
		w.b = appendHex(w.b, g.r, 32)
		w.b = append(w.b, '"')
		w.c = true
		w.Close()
		return
	}
	name := pick(g.r, []string{"DescribeLogGroups", "DescribeLogStreams", "DescribeMetricFilters", "DescribeSubscriptionFilters"})
	e := g.start(g.anyCaller(), "logs.amazonaws.com", name, true)
	e.version = "1.08"
	w := g.reqW()
	w.Open()
	if name != "DescribeLogGroups" {
		w.KS("logGroupName", "/aws/lambda/"+pick(g.r, g.rg.functions))
	}
	w.KI("limit", 50)
	w.Close()
	g.maybeFail(0.02)
}

func actMonitoring(g *gen) {
	a := g.acct
	p := a.apps[len(a.apps)-1] // DatadogIntegrationRole
	if chance(g.r, 0.3) {
		p = g.anyCaller()
	}
	name := pick(g.r, []string{"GetMetricData", "GetMetricData", "ListMetrics", "DescribeAlarms", "GetMetricStatistics"})
	e := g.start(p, "monitoring.amazonaws.com", name, true)
	e.version = "1.08"
	w := g.reqW()
	w.Open()
	switch name {
	case "GetMetricData":
		w.Key("startTime")
		w.b = append(w.b, '"')
		w.b = g.appendExpiration(w.b, max(0, g.sec-600))
		w.b = append(w.b, '"')
		w.c = true
		w.Key("endTime")
		w.b = append(w.b, '"')
		w.b = g.appendExpiration(w.b, g.sec)
		w.b = append(w.b, '"')
		w.c = true
		w.KA("metricDataQueries")
		for i := range 1 + g.r.IntN(4) {
			w.Open()
			w.KS("id", "m"+strconv.Itoa(i))
			w.KO("metricStat")
			w.KO("metric")
			w.KS("namespace", pick(g.r, []string{"AWS/EC2", "AWS/Lambda", "AWS/DynamoDB", "AWS/ApplicationELB"}))
			w.KS("metricName", pick(g.r, []string{"CPUUtilization", "Invocations", "Errors", "ConsumedReadCapacityUnits", "RequestCount"}))
			w.Close()
			w.KI("period", 60)
			w.KS("stat", "Average")
			w.Close()
			w.KB("returnData", true)
			w.Close()
		}
		w.EndArr()
	case "ListMetrics":
		w.KS("namespace", "AWS/EC2")
	case "DescribeAlarms":
		w.KI("maxRecords", 100)
	default:
		w.KS("namespace", "AWS/Lambda")
		w.KS("metricName", "Duration")
		w.KI("period", 300)
	}
	w.Close()
	if p.class == classApp && chance(g.r, 0.03) {
		e.errCode, e.errMsg = "ThrottlingException", "Rate exceeded"
	}
}

// actServiceEvent: AWS services acting on their own (AwsServiceEvent).
func actServiceEvent(g *gen) {
	var e *rec
	switch g.r.IntN(4) {
	case 0:
		e = g.serviceCall("kms.amazonaws.com", "kms.amazonaws.com", "RotateKey", false)
		key := pick(g.r, g.rg.keys)
		g.res(key, "", g.acct.id, "AWS::KMS::Key")
		w := g.addW()
		w.Open()
		w.KS("keyMaterialId", randHex(g.r, 64))
		w.Close()
	case 1:
		e = g.serviceCall("backup.amazonaws.com", "backup.amazonaws.com", "BackupJobCompleted", true)
		w := g.svcW()
		w.Open()
		w.KS("backupJobId", randUUID(g.r))
		w.KS("backupVaultName", "Default")
		w.KS("resourceArn", "arn:aws:ec2:"+g.region+":"+g.acct.id+":volume/vol-0"+randHex(g.r, 16))
		w.KS("resourceType", "EBS")
		w.KS("state", "COMPLETED")
		w.KI("backupSizeInBytes", int64(1+g.r.IntN(200))<<30)
		w.KS("creationDate", g.timeString(max(0, g.sec-1800)))
		w.Close()
	case 2:
		e = g.serviceCall("config.amazonaws.com", "config.amazonaws.com", "ConfigurationSnapshotDeliveryCompleted", true)
		w := g.svcW()
		w.Open()
		w.KS("deliveryChannelName", "default")
		w.KS("s3Bucket", g.o.bucket)
		w.Close()
	default:
		e = g.serviceCall("autoscaling.amazonaws.com", "autoscaling.amazonaws.com", "AutoScalingInstanceLaunchSuccessful", true)
		w := g.svcW()
		w.Open()
		w.KS("autoScalingGroupName", "eks-workers-"+g.region)
		w.KS("instanceId", pick(g.r, g.rg.instances))
		w.Close()
	}
	e.version = "1.08"
	e.eventType = "AwsServiceEvent"
	e.reqID = reqNone
}

// actConsole: people clicking through the console in this region.
func actConsole(g *gen) {
	p := pick(g.r, g.acct.sso)
	op := pick(g.r, []struct{ source, name string }{
		{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"},
		{"cloudtrail.amazonaws.com", "LookupEvents"}, {"monitoring.amazonaws.com", "DescribeAlarms"},
		{"lambda.amazonaws.com", "ListFunctions20150331"}, {"dynamodb.amazonaws.com", "ListTables"},
		{"logs.amazonaws.com", "DescribeLogGroups"}, {"ecs.amazonaws.com", "ListClusters"},
	})
	e := g.start(p, op.source, op.name, true)
	e.version = "1.09"
	if op.name == "LookupEvents" {
		w := g.reqW()
		w.Open()
		w.KI("maxResults", 50)
		w.KA("lookupAttributes")
		w.Open()
		w.KS("attributeKey", "ReadOnly")
		w.KS("attributeValue", "false")
		w.Close()
		w.EndArr()
		w.Close()
	}
}

// actGlobalConsole: console calls to global services (home region only).
func actGlobalConsole(g *gen) {
	p := pick(g.r, g.acct.sso)
	op := pick(g.r, []struct{ source, name, host string }{
		{"iam.amazonaws.com", "ListRoles", "iam.amazonaws.com"}, {"iam.amazonaws.com", "GetAccountSummary", "iam.amazonaws.com"},
		{"s3.amazonaws.com", "ListBuckets", "s3.amazonaws.com"}, {"health.amazonaws.com", "DescribeEventAggregates", "health.us-east-1.amazonaws.com"},
		{"ce.amazonaws.com", "GetCostAndUsage", "ce.us-east-1.amazonaws.com"}, {"organizations.amazonaws.com", "DescribeOrganization", "organizations.us-east-1.amazonaws.com"},
	})
	e := g.start(p, op.source, op.name, true)
	e.tlsHost = op.host
	if op.source == "s3.amazonaws.com" {
		e.reqID = reqS3
		w := g.reqW()
		w.Open()
		w.KS("Host", "s3.amazonaws.com")
		w.Close()
	}
}

func actIAMRead(g *gen) {
	a := g.acct
	p := a.ci[0]
	switch x := g.r.IntN(10); {
	case x < 3:
		p = a.apps[len(a.apps)-1] // Datadog
	case x < 5:
		p = pick(g.r, a.services)
	}
	name := pick(g.r, []string{"GetRole", "GetRole", "ListRoles", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion", "ListUsers", "ListAccessKeys", "GetAccountPasswordPolicy"})
	e := g.start(p, "iam.amazonaws.com", name, true)
	e.version = "1.08"
	e.tlsHost = "iam.amazonaws.com"
	role := pick(g.r, a.apps).id.Issuer.UserName
	switch name {
	case "GetRole", "ListAttachedRolePolicies":
		w := g.reqW()
		w.Open()
		w.KS("roleName", role)
		w.Close()
	case "GetPolicy", "GetPolicyVersion":
		w := g.reqW()
		w.Open()
		w.KS("policyArn", "arn:aws:iam::"+a.id+":policy/"+role+"-policy")
		if name == "GetPolicyVersion" {
			w.KS("versionId", "v"+strconv.Itoa(1+g.r.IntN(5)))
		}
		w.Close()
	case "ListAccessKeys":
		w := g.reqW()
		w.Open()
		w.KS("userName", pick(g.r, a.humans).name)
		w.Close()
	case "GetAccountPasswordPolicy":
		if g.r.IntN(2) == 0 {
			e.errCode, e.errMsg = "NoSuchEntityException", "The Password Policy with domain name "+a.id+" cannot be found."
		}
	}
	g.maybeFail(0.03)
}

// actConsoleLoginMFA: the ordinary sign-in, with MFA.
func actConsoleLoginMFA(g *gen) {
	p := pick(g.r, g.acct.humans).login
	g.consoleLogin(p, pick(g.r, p.ips), pick(g.r, browserUAs), true, true)
}
