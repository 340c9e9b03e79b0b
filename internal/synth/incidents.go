package synth

import (
	"strconv"
	"time"
)

// call starts the planned record's API call with its planned caller,
// address and user agent.
func (g *gen) call(pl *planned, readOnly bool) *rec {
	e := g.start(pl.p, pl.EventSource, pl.EventName, readOnly)
	e.ip, e.agent = pl.ip, pl.agent
	return e
}

// consoleLogin builds a ConsoleLogin by p, which must be a login variant
// (no access key). Failed sign-ins carry errorMessage but no errorCode, as
// CloudTrail records them. See
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
func (g *gen) consoleLogin(p *principal, ip, agent string, success, mfa bool) {
	e := g.start(p, "signin.amazonaws.com", "ConsoleLogin", false)
	e.ip, e.agent = ip, agent
	e.version = "1.09"
	e.eventType = "AwsConsoleSignIn"
	e.reqID = reqNone
	e.tlsHost = "signin.aws.amazon.com"
	e.console = false
	w := g.respW()
	w.Open()
	if success {
		w.KS("ConsoleLogin", "Success")
	} else {
		w.KS("ConsoleLogin", "Failure")
		e.errMsg = "Failed authentication"
	}
	w.Close()
	w = g.addW()
	w.Open()
	w.Key("LoginTo")
	w.b = append(w.b, `"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_`...)
	w.b = append(w.b, g.region...)
	w.b = append(w.b, '_')
	w.b = appendHex(w.b, g.r, 16)
	w.b = append(w.b, '"')
	w.c = true
	w.KS("MobileVersion", "No")
	if mfa {
		w.KS("MFAUsed", "Yes")
	} else {
		w.KS("MFAUsed", "No")
	}
	if p.id.Type == "AssumedRole" {
		w.KS("SamlProviderArn", "arn:aws:iam::"+g.acct.id+":saml-provider/Okta")
	}
	w.Close()
}

func buildConsoleLogin(success, mfa bool) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		g.consoleLogin(pl.p, pl.ip, pl.agent, success, mfa)
	}
}

// buildCredentialEvent: the sign-in service's own record of a root password
// check (AwsServiceEvent), which root-login queries must not count.
func buildCredentialEvent(g *gen, pl *planned) {
	e := g.call(pl, false)
	e.version = "1.08"
	e.eventType = "AwsServiceEvent"
	e.reqID = reqNone
	e.tlsHost = "signin.aws.amazon.com"
	e.console = false
	w := g.addW()
	w.Open()
	w.KS("CredentialType", "PASSWORD")
	w.Close()
	w = g.svcW()
	w.Open()
	w.KS(pl.EventName, "Success")
	w.Close()
}

// buildRootInvoked: AWS Support calling with the root identity.
func buildRootInvoked(g *gen, pl *planned) {
	e := g.call(pl, true)
	e.version = "1.08"
	g.byService("support.amazonaws.com")
	w := g.reqW()
	w.Open()
	w.KS("language", "en")
	w.Close()
}

// buildSimpleRead: a read with the request shape of its API.
func buildSimpleRead(g *gen, pl *planned) {
	e := g.call(pl, true)
	switch pl.EventSource {
	case "iam.amazonaws.com":
		e.version, e.tlsHost = "1.08", "iam.amazonaws.com"
		if pl.EventName == "ListAccessKeys" {
			w := g.reqW()
			w.Open()
			w.Close()
		}
	case "sts.amazonaws.com":
		e.version, e.tlsHost = "1.08", "sts.amazonaws.com"
	case "s3.amazonaws.com":
		e.version, e.tlsHost, e.reqID = "1.10", "s3.amazonaws.com", reqS3
		w := g.reqW()
		w.Open()
		w.KS("Host", "s3.amazonaws.com")
		w.Close()
		g.s3Additional(0, 0)
	case "ec2.amazonaws.com":
		e.version = "1.10"
		w := g.reqW()
		w.Open()
		w.KO("instancesSet")
		w.Close()
		w.KO("filterSet")
		w.Close()
		w.Close()
	}
}

// buildDenied: a global read the caller is not allowed to make.
func buildDenied(g *gen, pl *planned) {
	e := g.call(pl, true)
	e.version, e.tlsHost = "1.08", "iam.amazonaws.com"
	g.fail()
}

func buildAssumeRoleWithSAML(sso *principal) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		a := g.acct
		e := g.call(pl, true)
		e.version = "1.08"
		e.tlsHost = ""
		roleARN := sso.id.Issuer.ARN
		w := g.reqW()
		w.Open()
		w.Key("sAMLAssertionID")
		w.b = append(w.b, `"_`...)
		w.b = appendUUID(w.b, g.r)
		w.b = append(w.b, '"')
		w.c = true
		w.KS("roleSessionName", sso.name)
		w.KS("roleArn", roleARN)
		w.KS("principalArn", a.samlProvider)
		w.KI("durationSeconds", 43200)
		w.Close()
		g.writeCredentials(sso, sso.name, true)
		// Append the SAML details to the credentials object just written.
		w = &g.resp
		w.b = w.b[:len(w.b)-1]
		w.KS("subject", sso.name)
		w.KS("subjectType", "persistent")
		w.KS("issuer", "https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/"+randChars(g.r, b64chars, 40))
		w.KS("audience", "https://signin.aws.amazon.com/saml")
		w.KS("nameQualifier", randChars(g.r, b64chars, 27)+"=")
		w.Close()
		g.res(roleARN, "", a.id, "AWS::IAM::Role")
		g.res(a.samlProvider, "", a.id, "AWS::IAM::SAMLProvider")
	}
}

// buildOrgAccessAssume: someone in the management account assuming
// OrganizationAccountAccessRole in this account.
func buildOrgAccessAssume(g *gen, pl *planned) {
	a := g.acct
	e := g.call(pl, true)
	e.version = "1.08"
	e.tlsHost = "sts.amazonaws.com"
	e.shared = true
	role := a.orgAccess
	g.assumeRoleRequest(role.id.Issuer.ARN, role.name, 3600)
	g.writeCredentials(role, role.name, true)
	g.res(role.id.Issuer.ARN, "", a.id, "AWS::IAM::Role")
}

func buildTrailChange(g *gen, pl *planned) {
	a := g.acct
	e := g.call(pl, false)
	e.version = "1.09"
	trailARN := "arn:aws:cloudtrail:" + g.region + ":" + a.id + ":trail/" + g.o.trail
	w := g.reqW()
	w.Open()
	switch pl.EventName {
	case "DeleteTrail":
		trailARN = "arn:aws:cloudtrail:" + g.region + ":" + a.id + ":trail/debug-data-events"
		w.KS("name", trailARN)
	case "UpdateTrail":
		w.KS("name", trailARN)
		w.KB("enableLogFileValidation", false)
		r := g.respW()
		r.Open()
		r.KS("name", g.o.trail)
		r.KS("s3BucketName", g.o.bucket)
		r.KB("includeGlobalServiceEvents", true)
		r.KB("isMultiRegionTrail", true)
		r.KS("trailARN", trailARN)
		r.KB("logFileValidationEnabled", false)
		r.KB("isOrganizationTrail", g.o.o.OrgID != "")
		r.Close()
	case "PutEventSelectors":
		w.KS("trailName", g.o.trail)
		w.KA("eventSelectors")
		w.Open()
		w.KS("readWriteType", "ReadOnly")
		w.KB("includeManagementEvents", false)
		w.KA("dataResources")
		w.EndArr()
		w.KA("excludeManagementEventSources")
		w.EndArr()
		w.Close()
		w.EndArr()
		r := g.respW()
		r.Open()
		r.KS("trailARN", trailARN)
		r.KA("eventSelectors")
		r.Open()
		r.KS("readWriteType", "ReadOnly")
		r.KB("includeManagementEvents", false)
		r.KA("dataResources")
		r.EndArr()
		r.KA("excludeManagementEventSources")
		r.EndArr()
		r.Close()
		r.EndArr()
		r.Close()
	default: // StopLogging
		w.KS("name", trailARN)
	}
	w.Close()
	g.res(trailARN, "", a.id, "AWS::CloudTrail::Trail")
}

// iamDate formats a date as IAM's responses in CloudTrail do: "Aug 1, 2024 1:33:28 PM".
func (g *gen) iamDate(sec int) string {
	return g.day.Add(time.Duration(sec) * time.Second).Format("Jan 2, 2006 3:04:05 PM")
}

func buildIAMUserChange(user, policy string) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		a := g.acct
		e := g.call(pl, false)
		e.version = "1.09"
		e.tlsHost = "iam.amazonaws.com"
		w := g.reqW()
		w.Open()
		w.KS("userName", user)
		switch pl.EventName {
		case "CreateUser":
			if !pl.Attack {
				w.KA("tags")
				w.Open()
				w.KS("key", "팀")
				w.KS("value", "데이터")
				w.Close()
				w.EndArr()
			}
			r := g.respW()
			r.Open()
			r.KO("user")
			r.KS("path", "/")
			r.KS("userName", user)
			r.KS("userId", randID(g.r, "AIDA"))
			r.KS("arn", "arn:aws:iam::"+a.id+":user/"+user)
			r.KS("createDate", g.iamDate(g.sec))
			r.Close()
			r.Close()
		case "CreateLoginProfile":
			w.KB("passwordResetRequired", true)
			r := g.respW()
			r.Open()
			r.KO("loginProfile")
			r.KS("userName", user)
			r.KS("createDate", g.iamDate(g.sec))
			r.KB("passwordResetRequired", true)
			r.Close()
			r.Close()
		case "AttachUserPolicy":
			w.KS("policyArn", policy)
		case "CreateAccessKey":
			r := g.respW()
			r.Open()
			r.KO("accessKey")
			r.KS("userName", user)
			r.KS("accessKeyId", randID(g.r, "AKIA"))
			r.KS("status", "Active")
			r.KS("createDate", g.iamDate(g.sec))
			r.Close()
			r.Close()
		}
		w.Close()
	}
}

func buildPutRolePolicy(g *gen, pl *planned) {
	e := g.call(pl, false)
	e.version = "1.09"
	e.tlsHost = "iam.amazonaws.com"
	role := g.acct.apps[0].id.Issuer.UserName
	w := g.reqW()
	w.Open()
	w.KS("roleName", role)
	w.KS("policyName", "s3-read-data-lake")
	w.KS("policyDocument", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Resource\": [\"arn:aws:s3:::"+g.rg.buckets[0]+"\", \"arn:aws:s3:::"+g.rg.buckets[0]+"/*\"]\n    }\n  ]\n}")
	w.Close()
}

func buildOpenSG(cidr string, port int64) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		e := g.call(pl, false)
		e.version = "1.10"
		sg := g.rg.sgs[0]
		g.sgIngressRequest(sg, cidr, port)
		w := g.respW()
		w.Open()
		w.Key("requestId")
		w.b = append(w.b, '"')
		w.b = appendUUID(w.b, g.r)
		w.b = append(w.b, '"')
		w.c = true
		w.KB("_return", true)
		w.KO("securityGroupRuleSet")
		w.KA("items")
		w.Open()
		w.KS("groupOwnerId", g.acct.id)
		w.KS("groupId", sg)
		w.KS("securityGroupRuleId", "sgr-0"+randHex(g.r, 16))
		w.KB("isEgress", false)
		w.KS("ipProtocol", "tcp")
		w.KI("fromPort", port)
		w.KI("toPort", port)
		if isIPv6(cidr) {
			w.KS("cidrIpv6", cidr)
		} else {
			w.KS("cidrIpv4", cidr)
		}
		w.Close()
		w.EndArr()
		w.Close()
		w.Close()
	}
}

func isIPv6(cidr string) bool {
	for i := 0; i < len(cidr); i++ {
		if cidr[i] == ':' {
			return true
		}
	}
	return false
}

func buildS3PolicyChange(bi int) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		a := g.acct
		e := g.call(pl, false)
		e.version = "1.10"
		e.reqID = reqS3
		bucket := g.rg.buckets[bi]
		e.tlsHost = g.bucketHosts[bi]
		w := g.reqW()
		w.Open()
		switch pl.EventName {
		case "PutBucketPolicy":
			w.KO("bucketPolicy")
			w.KS("Version", "2012-10-17")
			w.KA("Statement")
			w.Open()
			w.KS("Sid", "PublicRead")
			w.KS("Effect", "Allow")
			w.KS("Principal", "*")
			w.KS("Action", "s3:GetObject")
			w.KS("Resource", "arn:aws:s3:::"+bucket+"/*")
			w.Close()
			w.EndArr()
			w.Close()
			w.KS("bucketName", bucket)
			w.KS("Host", g.bucketHosts[bi])
			w.KS("policy", "")
		case "PutBucketAcl":
			w.KS("bucketName", bucket)
			w.KS("Host", g.bucketHosts[bi])
			w.KS("acl", "")
			w.KO("AccessControlPolicy")
			w.KO("AccessControlList")
			w.KA("Grant")
			w.Open()
			w.KO("Grantee")
			w.KS("xsi:type", "Group")
			w.KS("URI", "http://acs.amazonaws.com/groups/global/AllUsers")
			w.Close()
			w.KS("Permission", "READ")
			w.Close()
			w.EndArr()
			w.Close()
			w.KS("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/")
			w.KO("Owner")
			w.Key("ID")
			w.b = append(w.b, '"')
			w.b = appendHex(w.b, g.r, 64)
			w.b = append(w.b, '"')
			w.c = true
			w.Close()
			w.Close()
		case "PutBucketPublicAccessBlock":
			w.KO("PublicAccessBlockConfiguration")
			w.KS("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/")
			w.KB("RestrictPublicBuckets", false)
			w.KB("BlockPublicPolicy", false)
			w.KB("BlockPublicAcls", false)
			w.KB("IgnorePublicAcls", false)
			w.Close()
			w.KS("bucketName", bucket)
			w.KS("Host", g.bucketHosts[bi])
			w.KS("publicAccessBlock", "")
		default: // DeleteBucketPolicy
			w.KS("bucketName", bucket)
			w.KS("Host", g.bucketHosts[bi])
			w.KS("policy", "")
		}
		w.Close()
		g.s3Additional(0, 0)
		g.res("arn:aws:s3:::"+bucket, "", a.id, "AWS::S3::Bucket")
	}
}

func buildKMSChange(ki int) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		e := g.call(pl, false)
		e.version = "1.10"
		key := g.rg.keys[ki]
		w := g.reqW()
		w.Open()
		w.KS("keyId", key)
		if pl.EventName == "ScheduleKeyDeletion" {
			w.KI("pendingWindowInDays", 7)
			r := g.respW()
			r.Open()
			r.KS("keyId", key)
			r.KS("deletionDate", g.day.AddDate(0, 0, 8).Format("Jan 2, 2006, 3:04:05 PM"))
			r.KS("keyState", "PendingDeletion")
			r.KI("pendingWindowInDays", 7)
			r.Close()
		}
		w.Close()
		g.res(key, "", g.acct.id, "AWS::KMS::Key")
	}
}

func buildGetPasswordData(errCode string) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		e := g.call(pl, true)
		e.version = "1.09"
		w := g.reqW()
		w.Open()
		w.KS("instanceId", g.rg.instances[1])
		w.Close()
		if errCode != "" {
			g.fail()
		}
	}
}

func buildInsight(state, shared, arn string) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		g.e = rec{
			version:   "1.08",
			sec:       g.sec,
			noReqResp: true,
			ins:       true,
			reqID:     reqNone,
			eventType: "AwsCloudTrailInsight",
			shared:    true,
			sharedID:  shared,
			category:  "Insight",
			resources: g.resBuf[:0],
		}
		w := resetW(&g.ins)
		w.Open()
		w.KS("state", state)
		w.KS("eventSource", "monitoring.amazonaws.com")
		w.KS("eventName", "GetMetricData")
		w.KS("insightType", "ApiCallRateInsight")
		w.KO("insightContext")
		w.KO("statistics")
		w.KO("baseline")
		w.Key("average")
		w.b = append(w.b, "0.9516666667"...)
		w.c = true
		w.Close()
		{
			w.KO("insight")
			w.Key("average")
			w.b = append(w.b, "46.25"...)
			w.c = true
			w.Close()
			if state == "End" {
				w.KI("insightDuration", 12)
			}
		}
		w.KI("baselineDuration", 10079)
		w.Close()
		w.KA("attributions")
		for _, attr := range []struct{ name, value string }{{"userIdentityArn", arn}, {"userAgent", uaDatadog}, {"errorCode", "null"}} {
			w.Open()
			w.KS("attribute", attr.name)
			w.KA("insight")
			{
				w.Open()
				w.KS("value", attr.value)
				w.Key("average")
				w.b = append(w.b, "46.25"...)
				w.c = true
				w.Close()
			}
			w.EndArr()
			w.KA("baseline")
			w.Open()
			w.KS("value", attr.value)
			w.Key("average")
			w.b = append(w.b, "0.9516666667"...)
			w.c = true
			w.Close()
			w.EndArr()
			w.Close()
		}
		w.EndArr()
		w.Close()
		w.Close()
	}
}

// buildVPCE: a call from another account denied by this account's VPC
// endpoint policy, recorded as AwsVpceEvent.
func buildVPCE(g *gen, pl *planned) {
	e := g.call(pl, true)
	e.version = "1.09"
	e.eventType = "AwsVpceEvent"
	e.errCode, e.errMsg = "VpceAccessDenied", "The request was denied due to a VPC endpoint policy"
	e.vpce, e.vpceAcct = g.rg.vpceOther, g.acct.id
	e.shared = true
	e.tlsHost = ""
}

// buildLargeDescribe: an inventory tool describing 1,400 instances by id,
// which makes a ~50 KB requestParameters.
func buildLargeDescribe(g *gen, pl *planned) {
	e := g.call(pl, true)
	e.version = "1.10"
	w := g.reqW()
	w.Open()
	w.KO("instancesSet")
	w.KA("items")
	for range 1400 {
		w.Open()
		w.Key("instanceId")
		w.b = append(w.b, `"i-0`...)
		w.b = appendHex(w.b, g.r, 16)
		w.b = append(w.b, '"')
		w.c = true
		w.Close()
	}
	w.EndArr()
	w.Close()
	w.KO("filterSet")
	w.Close()
	w.Close()
}

func buildUnicodeTags(g *gen, pl *planned) {
	e := g.call(pl, false)
	e.version = "1.10"
	w := g.reqW()
	w.Open()
	w.KO("resourcesSet")
	w.KA("items")
	w.Open()
	w.KS("resourceId", g.rg.instances[2])
	w.Close()
	w.EndArr()
	w.Close()
	w.KO("tagSet")
	w.KA("items")
	for _, t := range [][2]string{{"Team", "데이터"}, {"Owner", "José Müller"}, {"Projet", "données-été"}, {"Name", "ウェブサーバー-" + strconv.Itoa(1+g.r.IntN(9))}} {
		w.Open()
		w.KS("key", t[0])
		w.KS("value", t[1])
		w.Close()
	}
	w.EndArr()
	w.Close()
	w.Close()
	w = g.respW()
	w.Open()
	w.KS("requestId", randUUID(g.r))
	w.KB("_return", true)
	w.Close()
}
