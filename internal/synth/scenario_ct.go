package synth

import (
	"slices"
	"strconv"
	"strings"
)

// KindScenario marks the records of labelled attack scenarios, and
// KindNoise the benign noise of labelled and benign runs (see Scenarios).
const (
	KindScenario Kind = "scenario"
	KindNoise    Kind = "noise"
)

// User agents of the scenarios' callers.
const (
	uaKaliBoto = "Boto3/1.26.54 md/Botocore#1.29.54 ua/2.0 os/linux#6.1.0-kali7-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.29.54"
	uaParrot   = "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-13parrot1-amd64 exe/x86_64.parrot.6 prompt/off command/iam.list-users"
	uaPentoo   = "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.31-pentoo exe/x86_64.gentoo.2.14 prompt/off command/s3.ls"
	uaRust     = "aws-sdk-rust/1.1.4 os/windows lang/rust/1.75.0"
	uaStratus  = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64"
)

// Actors of CloudTrail scenarios.
const (
	actorFresh    = iota // an IAM user with no history: only single-record detections can see it
	actorRoot            // the account's root user
	actorHuman           // a person's IAM user with weeks of history (the anomaly model)
	actorInstance        // an EC2 instance session of app-backend-role, with history
)

// Address kinds of scenario records.
const (
	ipAttacker = "attacker" // the attacker's network (Russia in the GeoIP database)
	ipTor      = "tor"      // a Tor exit node on the Tor list
	ipThreat   = "threat"   // an address on the threat list
	ipOffice   = "office"   // the account's office
	ipFar      = "far"      // a far-away country
	ipAWS      = "aws"      // an AWS address the account never used
)

// ctScenario is a labelled attack in CloudTrail records.
type ctScenario struct {
	name  string
	types []string // finding types it must produce
	actor int
	ip    string
	agent string
	steps []ctStep
}

// ctStep is one record of a scenario, off seconds after its start. The
// request and response are JSON with placeholders (see scenarioVars);
// build, when set, renders the record instead.
type ctStep struct {
	off          int
	source, name string
	req, resp    string
	err          string
	read         bool
	login        bool   // a successful ConsoleLogin without MFA
	ip           string // address kind, overriding the scenario's
	build        func(*gen, *planned)
}

const rootMFA = `{"serialNumber":"arn:aws:iam::{acct}:mfa/root-account-mfa-device"}`

// ctScenarios are the labelled CloudTrail attacks, at least one per finding
// type over CloudTrail.
var ctScenarios = []ctScenario{
	{name: "root-console-session", types: []string{"Policy:IAMUser/RootCredentialUsage"}, actor: actorRoot, ip: ipOffice, steps: []ctStep{
		{off: 0, build: buildConsoleLogin(true, true)},
		{off: 40, source: "iam.amazonaws.com", name: "GetAccountSummary", read: true},
	}},
	{name: "root-mfa-removed", types: []string{"Stealth:IAMUser/RootMFADeactivated"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "DeleteVirtualMFADevice", req: rootMFA},
	}},
	{name: "trail-stopped", types: []string{"Stealth:IAMUser/CloudTrailLoggingDisabled"}, steps: []ctStep{
		{source: "cloudtrail.amazonaws.com", name: "StopLogging", build: buildTrailChange},
	}},
	{name: "password-policy-weakened", types: []string{"Stealth:IAMUser/PasswordPolicyChange"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "UpdateAccountPasswordPolicy", req: `{"minimumPasswordLength":6,"allowUsersToChangePassword":true}`},
	}},
	{name: "bucket-access-logging-off", types: []string{"Stealth:S3/ServerAccessLoggingDisabled"}, steps: []ctStep{
		{source: "s3.amazonaws.com", name: "PutBucketLogging", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","BucketLoggingStatus":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},"logging":[""]}`},
	}},
	{name: "account-public-access-block-removed", types: []string{"Policy:S3/AccountBlockPublicAccessDisabled"}, steps: []ctStep{
		{source: "s3.amazonaws.com", name: "DeleteAccountPublicAccessBlock", req: `{"x-amz-account-id":"{acct}","Host":"{acct}.s3-control.{region}.amazonaws.com"}`},
	}},
	{name: "bucket-public-access-block-removed", types: []string{"Policy:S3/BucketBlockPublicAccessDisabled"}, steps: []ctStep{
		{source: "s3.amazonaws.com", name: "PutBucketPublicAccessBlock", build: buildS3PolicyChange(5)},
	}},
	{name: "bucket-made-public", types: []string{"Policy:S3/BucketAnonymousAccessGranted"}, steps: []ctStep{
		{source: "s3.amazonaws.com", name: "PutBucketPolicy", build: buildS3PolicyChange(6)},
	}},
	{name: "bucket-shared-with-aws-users", types: []string{"Policy:S3/BucketPublicAccessGranted"}, steps: []ctStep{
		{source: "s3.amazonaws.com", name: "PutBucketAcl", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","acl":[""],"AccessControlPolicy":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","AccessControlList":{"Grant":[{"Grantee":{"xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"Permission":"READ"}]}}}`},
	}},
	{name: "snapshot-shared-out", types: []string{"Exfiltration:EC2/SnapshotSharedExternally"}, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "ModifySnapshotAttribute", req: `{"snapshotId":"snap-0{hex}","createVolumePermission":{"add":{"items":[{"userId":"{ext}"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`},
	}},
	{name: "ami-shared-out", types: []string{"Exfiltration:EC2/AMISharedExternally"}, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "ModifyImageAttribute", req: `{"imageId":"ami-0{hex}","launchPermission":{"add":{"items":[{"userId":"{ext}"}]}},"attributeType":"launchPermission"}`},
	}},
	{name: "rds-snapshot-shared-out", types: []string{"Exfiltration:RDS/SnapshotSharedExternally"}, steps: []ctStep{
		{source: "rds.amazonaws.com", name: "ModifyDBSnapshotAttribute", req: `{"dBSnapshotIdentifier":"orders-db-final","attributeName":"restore","valuesToAdd":["{ext}"]}`},
	}},
	{name: "role-trust-backdoor", types: []string{"Persistence:IAMUser/RoleTrustPolicyExternal"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "UpdateAssumeRolePolicy", req: `{"roleName":"app-backend-role","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::{ext}:root\"},\"Action\":\"sts:AssumeRole\"}]}"}`},
	}},
	{name: "lambda-opened-to-outsider", types: []string{"Persistence:Lambda/ResourcePolicyExternal"}, steps: []ctStep{
		{source: "lambda.amazonaws.com", name: "AddPermission20150331v2", req: `{"functionName":"{fn}","statementId":"s{hex}","action":"lambda:InvokeFunction","principal":"{ext}"}`},
	}},
	{name: "access-key-for-admin", types: []string{"Persistence:IAMUser/AccessKeyForOtherUser"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "CreateAccessKey", req: `{"userName":"{victim}"}`, resp: `{"accessKey":{"userName":"{victim}","accessKeyId":"AKIA{HEX}","status":"Active"}}`},
	}},
	{name: "login-profile-for-user", types: []string{"Persistence:IAMUser/LoginProfileForOtherUser"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "CreateLoginProfile", req: `{"userName":"{victim}","passwordResetRequired":false}`},
	}},
	{name: "password-reset-for-user", types: []string{"PrivilegeEscalation:IAMUser/OtherUserPasswordReset"}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "UpdateLoginProfile", req: `{"userName":"{victim}"}`},
	}},
	{name: "kali-recon", types: []string{"PenTest:IAMUser/KaliLinux"}, agent: uaKaliBoto, steps: []ctStep{
		{source: "sts.amazonaws.com", name: "GetCallerIdentity", read: true},
		{off: 20, source: "s3.amazonaws.com", name: "ListBuckets", read: true, build: buildSimpleRead},
	}},
	{name: "parrot-recon", types: []string{"PenTest:IAMUser/ParrotLinux"}, agent: uaParrot, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "ListUsers", read: true},
	}},
	{name: "pentoo-recon", types: []string{"PenTest:IAMUser/PentooLinux"}, agent: uaPentoo, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "ListRoles", read: true},
	}},
	{name: "tor-recon", types: []string{"Recon:IAMUser/TorIPCaller"}, ip: ipTor, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "DescribeInstances", read: true, build: buildSimpleRead},
	}},
	{name: "tor-action", types: []string{"UnauthorizedAccess:IAMUser/TorIPCaller"}, ip: ipTor, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "CreateTags", req: `{"resourcesSet":{"items":[{"resourceId":"{instance}"}]},"tagSet":{"items":[{"key":"owner","value":"ops"}]}}`},
	}},
	{name: "threat-ip-recon", types: []string{"Recon:IAMUser/MaliciousIPCaller.Custom"}, ip: ipThreat, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "ListAccessKeys", read: true, req: `{}`},
	}},
	{name: "threat-ip-action", types: []string{"UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom"}, ip: ipThreat, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "CreateTags", req: `{"resourcesSet":{"items":[{"resourceId":"{instance}"}]},"tagSet":{"items":[{"key":"patched","value":"yes"}]}}`},
	}},
	{name: "impossible-travel", types: []string{"UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B"}, ip: ipOffice, agent: uaChrome, steps: []ctStep{
		{login: true},
		{off: 1500, login: true, ip: ipFar},
	}},
	{name: "instance-credentials-outside-aws", types: []string{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"}, actor: actorInstance, ip: ipAttacker, agent: uaStratus, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "RunInstances", req: `{"instanceType":"t3.micro","instancesSet":{"items":[{"imageId":"ami-0{hex}","minCount":1,"maxCount":1}]}}`},
	}},
	{name: "instance-credentials-inside-aws", types: []string{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS"}, actor: actorInstance, ip: ipAWS, agent: uaStratus, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "RunInstances", req: `{"instanceType":"t3.small","instancesSet":{"items":[{"imageId":"ami-0{hex}","minCount":1,"maxCount":1}]}}`},
	}},
	{name: "stolen-key-new-tool", actor: actorHuman, ip: ipAttacker, agent: uaRust, types: []string{
		"Discovery:IAMUser/AnomalousBehavior", "CredentialAccess:IAMUser/AnomalousBehavior", "PrivilegeEscalation:IAMUser/AnomalousBehavior",
		"Persistence:IAMUser/AnomalousBehavior", "DefenseEvasion:IAMUser/AnomalousBehavior", "Exfiltration:IAMUser/AnomalousBehavior",
		"Impact:IAMUser/AnomalousBehavior", "InitialAccess:IAMUser/AnomalousBehavior",
	}, steps: []ctStep{
		{source: "iam.amazonaws.com", name: "GetAccountAuthorizationDetails", read: true, req: `{"maxItems":100}`},
		{off: 60, source: "secretsmanager.amazonaws.com", name: "GetSecretValue", read: true, req: `{"secretId":"prod/payments-api-key"}`},
		{off: 130, source: "iam.amazonaws.com", name: "AddUserToGroup", req: `{"groupName":"Administrators","userName":"{self}"}`},
		{off: 190, source: "ec2.amazonaws.com", name: "ImportKeyPair", req: `{"keyName":"ops-recovery","publicKeyMaterial":"HIDDEN_DUE_TO_SECURITY_REASONS"}`},
		{off: 260, source: "monitoring.amazonaws.com", name: "DeleteAlarms", req: `{"alarmNames":["root-login","cloudtrail-changes"]}`},
		{off: 330, source: "s3.amazonaws.com", name: "PutBucketReplication", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","replication":[""],"ReplicationConfiguration":{"Rule":{"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::exfil-{hex}"}}}}`},
		{off: 400, source: "iam.amazonaws.com", name: "UpdateUser", req: `{"userName":"{self}","newPath":"/system/"}`},
		{off: 470, source: "sts.amazonaws.com", name: "GetFederationToken", read: true, req: `{"name":"ops","durationSeconds":129600}`},
	}},
	{name: "secrets-harvest", types: []string{"CredentialAccess:IAMUser/SecretsRetrievalBurst"}, steps: secretsHarvest()},
	{name: "flow-logs-deleted", types: []string{"Stealth:IAMUser/VPCFlowLogsDeleted"}, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "DeleteFlowLogs", req: `{"flowLogIdSet":{"items":[{"flowLogId":"fl-0{hex}"}]}}`},
	}},
	{name: "dns-query-logging-deleted", types: []string{"Stealth:IAMUser/DNSQueryLoggingDisabled"}, steps: []ctStep{
		{source: "route53resolver.amazonaws.com", name: "DeleteResolverQueryLogConfig", req: `{"resolverQueryLogConfigId":"rqlc-{hex}"}`},
	}},
	{name: "gpu-instances", types: []string{"Impact:EC2/AcceleratedInstancesLaunched"}, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "RunInstances", req: `{"instanceType":"p3.16xlarge","instancesSet":{"items":[{"imageId":"ami-0{hex}","minCount":1,"maxCount":8}]}}`},
	}},
	{name: "ssm-shell", types: []string{"Execution:EC2/SSMShellCommandSent"}, steps: []ctStep{
		{source: "ssm.amazonaws.com", name: "SendCommand", req: `{"documentName":"AWS-RunShellScript","instanceIds":["{instance}"],"interactive":false,"parameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}`},
	}},
	{name: "ssh-open-to-world", types: []string{"Policy:EC2/SecurityGroupAdminPortPublic"}, steps: []ctStep{
		{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", build: buildOpenSG("0.0.0.0/0", 22)},
	}},
	{name: "bedrock-model-enabled", types: []string{"Impact:Bedrock/ModelAccessEnabled"}, steps: []ctStep{
		{source: "bedrock.amazonaws.com", name: "PutFoundationModelEntitlement", req: `{"modelId":"anthropic.claude-3-sonnet-20240229-v1:0"}`, resp: `{"status":"SUCCESS"}`},
	}},
	{name: "instance-connect-key", types: []string{"LateralMovement:EC2/InstanceConnectSSHKey"}, steps: []ctStep{
		{source: "ec2-instance-connect.amazonaws.com", name: "SendSSHPublicKey", req: `{"instanceId":"{instance}","instanceOSUser":"ec2-user","sSHPublicKey":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{hex}"}`, resp: `{"success":true}`},
	}},
	{name: "lambda-extension-layer", types: []string{"Persistence:Lambda/LayerAttached"}, steps: []ctStep{
		{source: "lambda.amazonaws.com", name: "UpdateFunctionConfiguration20150331v2", req: `{"functionName":"{fn}","layers":["arn:aws:lambda:{region}:{ext}:layer:telemetry-extension:4"]}`},
	}},
	{name: "roles-anywhere-anchor", types: []string{"Persistence:RolesAnywhere/TrustAnchorCreated"}, steps: []ctStep{
		{source: "rolesanywhere.amazonaws.com", name: "CreateTrustAnchor", req: `{"enabled":true,"name":"partner-ca","source":{"sourceData":{"x509CertificateData":"-----BEGIN CERTIFICATE-----\nMIIB{hex}\n-----END CERTIFICATE-----"},"sourceType":"CERTIFICATE_BUNDLE"}}`},
	}},
	{name: "kms-key-deletion", types: []string{"Impact:KMS/KeyDeletionScheduled"}, steps: []ctStep{
		{source: "kms.amazonaws.com", name: "ScheduleKeyDeletion", build: buildKMSChange(1)},
	}},
}

// secretsHarvest reads a dozen secrets in two minutes.
func secretsHarvest() []ctStep {
	var out []ctStep
	for i, name := range []string{"orders-db", "payments-db", "stripe-key", "datadog-api-key", "github-token", "ldap-bind",
		"smtp-relay", "sentry-dsn", "slack-webhook", "jwt-signing", "redis-auth", "backup-gpg"} {
		out = append(out, ctStep{off: 10 * i, source: "secretsmanager.amazonaws.com", name: "GetSecretValue", read: true,
			req: `{"secretId":"arn:aws:secretsmanager:{region}:{acct}:secret:prod/` + name + `-{SIX}"}`})
	}
	return out
}

// scenarioVars returns the replacer of a scenario record's placeholders:
// {acct}, {region}, {ext} (an account outside the organization), {bucket},
// {instance}, {fn} (a function ARN), {victim} (a person of the account),
// {self} (the caller's user name), {org} (another account of the
// organization), {office} (the account's office address), {key} (a KMS
// key ARN), {hex} (16 random hex digits), {HEX}
// (16 random upper-case characters), {SIX} (a secret ARN's suffix).
func scenarioVars(g *gen, pl *planned) *strings.Replacer {
	return strings.NewReplacer(
		"{acct}", g.acct.id, "{region}", g.region, "{ext}", g.o.external,
		"{bucket}", g.rg.buckets[len(g.rg.buckets)-1], "{instance}", g.rg.instances[2], "{fn}", g.fnARNs[0],
		"{victim}", g.acct.humans[0].name, "{self}", pl.p.name, "{org}", g.o.ids[(g.ai+1)%len(g.o.ids)],
		"{office}", g.acct.officeIPs[0], "{key}", g.rg.keys[0],
		"{hex}", randHex(g.r, 16), "{HEX}", randChars(g.r, alnumUpper, 16), "{SIX}", randChars(g.r, alnumMixed, 6),
	)
}

// buildStep renders a scenario step.
func buildStep(st ctStep) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		switch {
		case st.login:
			g.consoleLogin(pl.p, pl.ip, pl.agent, true, false)
			return
		case st.build != nil:
			st.build(g, pl)
			return
		}
		e := g.call(pl, st.read)
		rep := scenarioVars(g, pl)
		if st.req != "" {
			g.reqW().Raw([]byte(rep.Replace(st.req)))
		}
		if st.resp != "" {
			g.respW().Raw([]byte(rep.Replace(st.resp)))
		}
		if st.err != "" {
			e.errCode, e.errMsg = st.err, "Access Denied"
		}
	}
}

// planScenarios plans the labelled CloudTrail scenarios: round-robin over
// the accounts, in the home region, one every few hours from the first
// day after the learning period on.
func (g *org) planScenarios() {
	r := newRand(g.o.Seed, streamPlan, 2<<32)
	for i, sc := range ctScenarios {
		ai := i % len(g.accounts)
		a := g.accounts[ai]
		pp := &planner{g: g, r: r, ai: ai, a: a}
		di := learnDays + i%(g.o.Days-learnDays)
		sec := 3600 + (i*2719)%(20*3600)
		run := &scenarioRun{name: sc.name, types: sc.types, account: a.id, region: g.o.Regions[g.home]}
		g.scenarios = append(g.scenarios, run)
		ips := map[string]string{
			ipAttacker: randIPv4(r, attackerOnlyOctets), ipOffice: a.officeIPs[0], ipFar: randIPv4(r, farOctets),
			ipAWS: randIPv4(r, awsOctets), ipTor: "185.220.101." + strconv.Itoa(10+i), ipThreat: "198.51.100." + strconv.Itoa(10+i),
		}
		kind := sc.ip
		if kind == "" {
			kind = ipAttacker
		}
		agent := sc.agent
		if agent == "" {
			agent = uaStratus
		}
		var p *principal
		switch sc.actor {
		case actorRoot:
			p = a.root
		case actorHuman:
			p = a.humans[2]
		case actorInstance:
			p = a.apps[0]
		default:
			p = newUser(r, a.id, "scn-"+sc.name, classAttacker)
			p.ips, p.agents = []string{ips[kind]}, []string{agent}
			p.render()
			p.login = loginVariant(p)
		}
		for _, st := range sc.steps {
			who := p
			if st.login || st.build != nil && st.source == "" { // sign-ins show the identity without a key
				who = p.login
			}
			source, name := st.source, st.name
			if st.login || source == "" {
				source, name = "signin.amazonaws.com", "ConsoleLogin"
			}
			pl := pp.add(KindScenario, g.home, di, sec+st.off, who, source, name, buildStep(st))
			k := kind
			if st.ip != "" {
				k = st.ip
			}
			pl.ip, pl.agent, pl.SourceIP = ips[k], agent, ips[k]
			if who == a.root.login || who == a.root {
				pl.agent = pick(r, browserUAs)
			}
			pl.Attack = true
			run.records = append(run.records, pl)
			switch k {
			case ipTor:
				g.tor = appendNew(g.tor, ips[k])
			case ipThreat:
				g.threats = appendNew(g.threats, ips[k])
			}
		}
	}
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// externalAccount returns an account ID outside the organization.
func externalAccount(seed int64, ids []string) string {
	for i := int64(1); ; i++ {
		a := Accounts(seed^(0x5ce7a410*i), 1)[0]
		if !slices.Contains(ids, a) {
			return a
		}
	}
}
