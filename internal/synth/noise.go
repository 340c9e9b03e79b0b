package synth

// Benign noise of labelled and benign runs: what busy, well-run accounts
// do every day that looks like an attack to a careless detector, and that
// no finding should come of.
//
//   - The CI/CD role deploys: a burst of a dozen write APIs across IAM,
//     Lambda, ECS, EC2, S3, SSM and Logs, from AWS addresses (the runners),
//     with Terraform's user agent; new APIs from its usual place.
//   - Administrators work from the offices: console sign-ins with MFA, a
//     stronger password policy, snapshots and images shared with the
//     organization's other accounts, SSH opened to an office address, their
//     own access key, EC2 Instance Connect from the console, patching with
//     Run Command, bucket access logging and CloudTrail data events turned
//     on, a couple of secrets read.
//   - AWS services act on principals' behalf (invokedBy): CloudFormation
//     creating a service user, its key and a public website bucket policy;
//     AWS Backup sharing a snapshot with the backup vault's account; Auto
//     Scaling launching GPU instances; State Manager running shell scripts.
//
// On the network (noise_flow.go): internet-wide scanners probing the public
// instances' ports slowly, all day, and nightly database backups to S3.

// noiseStep is one record of a noise burst; the request and response are
// JSON with scenarioVars' placeholders.
type noiseStep struct {
	source, name string
	req, resp    string
	read         bool
	service      string // the AWS service calling on the principal's behalf (invokedBy)
}

var ciDeploy = []noiseStep{
	{source: "sts.amazonaws.com", name: "GetCallerIdentity", read: true},
	{source: "iam.amazonaws.com", name: "CreateRole", req: `{"roleName":"orders-worker-{hex}","assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}`},
	{source: "iam.amazonaws.com", name: "PutRolePolicy", req: `{"roleName":"orders-worker","policyName":"queue-access","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\"],\"Resource\":\"arn:aws:sqs:{region}:{acct}:orders\"}]}"}`},
	{source: "iam.amazonaws.com", name: "AttachRolePolicy", req: `{"roleName":"orders-worker","policyArn":"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}`},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", req: `{"functionName":"{fn}","s3Bucket":"{bucket}","s3Key":"builds/{hex}.zip","publish":false}`},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionConfiguration20150331v2", req: `{"functionName":"{fn}","environment":{"variables":"HIDDEN_DUE_TO_SECURITY_REASONS"},"timeout":30}`},
	{source: "lambda.amazonaws.com", name: "PublishVersion20150331", req: `{"functionName":"{fn}"}`},
	{source: "ecs.amazonaws.com", name: "RegisterTaskDefinition", req: `{"family":"orders-api","networkMode":"awsvpc","cpu":"512","memory":"1024"}`},
	{source: "ecs.amazonaws.com", name: "UpdateService", req: `{"cluster":"prod","service":"orders-api","taskDefinition":"orders-api"}`},
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", req: `{"groupId":"sg-0{hex}","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`},
	{source: "ec2.amazonaws.com", name: "CreateSnapshot", req: `{"volumeId":"vol-0{hex}","description":"pre-migration backup"}`},
	{source: "s3.amazonaws.com", name: "PutBucketPolicy", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","policy":[""],"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"AppRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{acct}:role/app-backend-role"},"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::{bucket}/*"},{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::{bucket}/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}}`},
	{source: "ssm.amazonaws.com", name: "PutParameter", req: `{"name":"/prod/orders/release","type":"String","overwrite":true}`},
	{source: "logs.amazonaws.com", name: "PutRetentionPolicy", req: `{"logGroupName":"/aws/lambda/ingest-orders","retentionInDays":30}`},
}

var adminDay = []noiseStep{
	{source: "iam.amazonaws.com", name: "UpdateAccountPasswordPolicy", req: `{"minimumPasswordLength":14,"requireSymbols":true,"requireNumbers":true,"requireUppercaseCharacters":true,"requireLowercaseCharacters":true,"allowUsersToChangePassword":true,"passwordReusePrevention":24,"maxPasswordAge":90}`},
	{source: "ec2.amazonaws.com", name: "ModifySnapshotAttribute", req: `{"snapshotId":"snap-0{hex}","createVolumePermission":{"add":{"items":[{"userId":"{org}"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`},
	{source: "ec2.amazonaws.com", name: "ModifyImageAttribute", req: `{"imageId":"ami-0{hex}","launchPermission":{"add":{"items":[{"userId":"{org}"}]}},"attributeType":"launchPermission"}`},
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", req: `{"groupId":"sg-0{hex}","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"{office}/32"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`},
	{source: "iam.amazonaws.com", name: "CreateAccessKey", req: `{"userName":"{self}"}`},
	{source: "ssm.amazonaws.com", name: "SendCommand", req: `{"documentName":"AWS-RunPatchBaseline","targets":[{"key":"tag:Patch","values":["weekly"]}],"parameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}`},
	{source: "s3.amazonaws.com", name: "PutBucketLogging", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","BucketLoggingStatus":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","LoggingEnabled":{"TargetBucket":"acme-logs-archive-{acct}-{region}","TargetPrefix":"s3/"}},"logging":[""]}`},
	{source: "cloudtrail.amazonaws.com", name: "PutEventSelectors", req: `{"trailName":"management-events","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3:::{bucket}/"]}]}]}`},
	{source: "cloudtrail.amazonaws.com", name: "UpdateTrail", req: `{"name":"management-events","enableLogFileValidation":true,"isMultiRegionTrail":true}`},
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", read: true, req: `{"secretId":"prod/orders-db"}`},
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", read: true, req: `{"secretId":"prod/payments-db"}`},
	{source: "kms.amazonaws.com", name: "CancelKeyDeletion", req: `{"keyId":"{key}"}`},
}

// consoleDay is what an administrator does from the console.
var consoleDay = []noiseStep{
	{source: "ec2-instance-connect.amazonaws.com", name: "SendSSHPublicKey", req: `{"instanceId":"{instance}","instanceOSUser":"ec2-user","sSHPublicKey":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{hex}"}`, resp: `{"success":true}`},
	{source: "ec2.amazonaws.com", name: "DescribeSecurityGroups", read: true},
}

var onBehalf = []noiseStep{
	{source: "iam.amazonaws.com", name: "CreateUser", req: `{"userName":"svc-exporter-{hex}"}`, service: "cloudformation.amazonaws.com"},
	{source: "iam.amazonaws.com", name: "CreateAccessKey", req: `{"userName":"svc-exporter"}`, service: "cloudformation.amazonaws.com"},
	{source: "s3.amazonaws.com", name: "PutBucketPolicy", req: `{"bucketName":"{bucket}","policy":[""],"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"Website","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/site/*"}]}}`, service: "cloudformation.amazonaws.com"},
	{source: "ec2.amazonaws.com", name: "ModifySnapshotAttribute", req: `{"snapshotId":"snap-0{hex}","createVolumePermission":{"add":{"items":[{"userId":"{ext}"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`, service: "backup.amazonaws.com"},
	{source: "ec2.amazonaws.com", name: "RunInstances", req: `{"instanceType":"g4dn.xlarge","instancesSet":{"items":[{"imageId":"ami-0{hex}","minCount":1,"maxCount":2}]}}`, service: "autoscaling.amazonaws.com"},
	{source: "ssm.amazonaws.com", name: "SendCommand", req: `{"documentName":"AWS-RunShellScript","targets":[{"key":"InstanceIds","values":["{instance}"]}],"parameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, service: "ssm.amazonaws.com"},
}

// buildNoise renders a noise step.
func buildNoise(st noiseStep) func(*gen, *planned) {
	return func(g *gen, pl *planned) {
		g.call(pl, st.read)
		if st.service != "" {
			g.byService(st.service)
		}
		rep := scenarioVars(g, pl)
		if st.req != "" {
			g.reqW().Raw([]byte(rep.Replace(st.req)))
		}
		if st.resp != "" {
			g.respW().Raw([]byte(rep.Replace(st.resp)))
		}
	}
}

// planNoise plans every account's benign noise, every day, in the home
// region: the CI/CD deploy, the administrators' day and the services'
// calls on their behalf, each at its own hour.
func (g *org) planNoise() {
	for ai, a := range g.accounts {
		pp := &planner{g: g, r: newRand(g.o.Seed, streamPlan, 3<<32, uint64(ai)), ai: ai, a: a}
		for di := range g.o.Days {
			burst := func(p *principal, steps []noiseStep, start, gap int) {
				for i, st := range steps {
					pp.add(KindNoise, g.home, di, start+i*gap, p, st.source, st.name, buildNoise(st))
				}
			}
			burst(a.ci[0], ciDeploy, 9*3600+pp.r.IntN(8*3600), 7+pp.r.IntN(20))
			admin := a.humans[0]
			login := pp.add(KindNoise, g.home, di, 8*3600+pp.r.IntN(3600), admin.login, "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(true, true))
			login.ip, login.agent = admin.ips[0], uaChrome
			login.SourceIP = login.ip
			burst(admin, adminDay, 10*3600+pp.r.IntN(6*3600), 60+pp.r.IntN(240))
			burst(a.ssoAdmins[0], consoleDay, 14*3600+pp.r.IntN(3*3600), 30)
			burst(a.ci[0], onBehalf, 2*3600+pp.r.IntN(3*3600), 90)
		}
	}
}
