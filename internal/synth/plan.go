package synth

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"
)

// Kind names why a planned record is notable.
type Kind string

// Kinds of planned records. Routine background traffic never produces
// these, except that it does contain AccessDenied failures, Unicode values
// (S3 keys, EC2 tags), benign security group rules for private ranges and,
// very rarely, large requests.
const (
	KindRootConsoleLogin     Kind = "root_console_login"      // ConsoleLogin by Root (succeeds, MFA used)
	KindRootServiceEvent     Kind = "root_service_event"      // CredentialChallenge/CredentialVerification: AwsServiceEvent by Root, not a login
	KindRootAPICall          Kind = "root_api_call"           // API call by Root from the console, no invokedBy
	KindRootInvokedByService Kind = "root_invoked_by_service" // Root identity with invokedBy set: not root activity
	KindConsoleLoginNoMFA    Kind = "console_login_no_mfa"    // successful ConsoleLogin by an IAM user with MFAUsed No (federated AdminRole sign-ins also say No, as real ones do)
	KindConsoleLoginFailed   Kind = "console_login_failed"    // ConsoleLogin Failure ("Failed authentication")
	KindAdminRoleLogin       Kind = "admin_role_login"        // AssumeRoleWithSAML into AWSReservedSSO_AdministratorAccess, ConsoleLogin as AdminRole, AssumeRole into OrganizationAccountAccessRole
	KindCloudTrailTampering  Kind = "cloudtrail_tampering"    // StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors
	KindIAMChange            Kind = "iam_change"              // CreateUser, CreateLoginProfile, AttachUserPolicy, CreateAccessKey, PutRolePolicy
	KindSecurityGroupOpen    Kind = "security_group_open"     // AuthorizeSecurityGroupIngress from 0.0.0.0/0 (or ::/0)
	KindS3PolicyChange       Kind = "s3_policy_change"        // PutBucketPolicy, PutBucketAcl, PutBucketPublicAccessBlock, DeleteBucketPolicy
	KindKMSKeyDisable        Kind = "kms_key_disable"         // ScheduleKeyDeletion, DisableKey
	KindGetPasswordData      Kind = "get_password_data"       // ec2 GetPasswordData (one success, one Client.UnauthorizedOperation)
	KindRecon                Kind = "recon"                   // the attacker's discovery calls
	KindAccessDenied         Kind = "access_denied"           // the attacker's denied calls
	KindInsight              Kind = "cloudtrail_insight"      // AwsCloudTrailInsight Start and End
	KindVPCEndpoint          Kind = "vpce_event"              // AwsVpceEvent (VpceAccessDenied)
	KindLargeRequest         Kind = "large_request"           // ~50 KB requestParameters
	KindUnicode              Kind = "unicode_value"           // non-ASCII tag values
)

// Incident is one planned record: what an investigation of the generated
// data should find.
type Incident struct {
	Kind        Kind
	Account     string
	Region      string    // awsRegion, and the region of the file holding it
	Time        time.Time // eventTime
	EventSource string    // "" for Insight records
	EventName   string    // "" for Insight records
	ErrorCode   string    // as recorded; failed sign-ins have none
	Failed      bool      // the call or sign-in failed
	Actor       string    // userIdentity.arn, "" when the identity has none
	SourceIP    string    // sourceIPAddress, "" for Insight records
	Attack      bool      // part of the attack story (one account, one night)
}

// planned is an Incident plus what the generator needs to render it.
type planned struct {
	Incident
	ai, ri, di int
	sec        int
	p          *principal
	ip, agent  string
	build      func(g *gen, pl *planned)
	eventID    string // the eventID written, for labelled scenarios
}

// Plan returns every planned record Generate writes for o, sorted by time,
// then account, region and event name. It writes nothing.
func Plan(o Options) ([]Incident, error) {
	g, err := newOrg(o)
	if err != nil {
		return nil, err
	}
	out := make([]Incident, len(g.plan))
	for i, pl := range g.plan {
		out[i] = pl.Incident
	}
	slices.SortStableFunc(out, func(a, b Incident) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.EventName, b.EventName))
	})
	return out, nil
}

// planner plans one account's incidents from its own stream.
type planner struct {
	g  *org
	r  *rand.Rand
	ai int
	a  *account
}

// add plans one record at (ri, di, sec) by p. The builder renders it; the
// Incident fields set here must match what the builder writes.
func (pp *planner) add(kind Kind, ri, di, sec int, p *principal, source, name string, build func(*gen, *planned)) *planned {
	g := pp.g
	pl := &planned{ai: pp.ai, ri: ri, di: di, sec: sec, p: p, build: build}
	pl.Kind = kind
	pl.Account = pp.a.id
	pl.Region = g.o.Regions[ri]
	pl.Time = g.start.AddDate(0, 0, di).Add(time.Duration(sec) * time.Second)
	pl.EventSource, pl.EventName = source, name
	if p != nil {
		pl.Actor = p.id.ARN
		pl.ip, pl.agent = pick(pp.r, p.ips), pick(pp.r, p.agents)
		pl.SourceIP = pl.ip
	}
	g.plan = append(g.plan, pl)
	return pl
}

func (pp *planner) day() int      { return pp.r.IntN(pp.g.o.Days) }
func (pp *planner) region() int   { return pp.r.IntN(len(pp.g.o.Regions)) }
func (pp *planner) workTime() int { return 8*3600 + pp.r.IntN(10*3600) }

func (g *org) makePlan() {
	switch g.o.Scenarios {
	case ScenariosPlanned:
		for ai, a := range g.accounts {
			pp := &planner{g: g, r: newRand(g.o.Seed, streamPlan, uint64(ai)), ai: ai, a: a}
			pp.planRoutine()
		}
		g.planAttack()
	case ScenariosLabelled:
		g.planNoise()
		g.planScenarios()
	case ScenariosBenign:
		g.planNoise()
	}
	slices.SortStableFunc(g.plan, func(a, b *planned) int {
		return cmp.Or(cmp.Compare(g.unitIndex(a.ai, a.ri, a.di), g.unitIndex(b.ai, b.ri, b.di)), cmp.Compare(a.sec, b.sec))
	})
	g.byUnit = make([][]*planned, g.units())
	for _, pl := range g.plan {
		u := g.unitIndex(pl.ai, pl.ri, pl.di)
		g.byUnit[u] = append(g.byUnit[u], pl)
	}
}

// planRoutine plans the notable-but-legitimate events every account gets
// once per run: each on its own random day, in working hours.
func (pp *planner) planRoutine() {
	g, a, r := pp.g, pp.a, pp.r
	home := g.home

	// The root user signs in with MFA and looks around.
	d, t := pp.day(), pp.workTime()
	pp.add(KindRootServiceEvent, home, d, t, a.rootPlain, "signin.amazonaws.com", "CredentialChallenge", buildCredentialEvent)
	pp.add(KindRootServiceEvent, home, d, t+3, a.rootPlain, "signin.amazonaws.com", "CredentialVerification", buildCredentialEvent)
	pp.add(KindRootConsoleLogin, home, d, t+9, a.rootLogin, "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(true, true))
	pp.add(KindRootAPICall, home, d, t+40, a.root, "iam.amazonaws.com", "GetAccountSummary", buildSimpleRead)
	pp.add(KindRootAPICall, home, d, t+95, a.root, "iam.amazonaws.com", "ListAccessKeys", buildSimpleRead)

	// Root identity used by AWS Support on the account's behalf.
	pl := pp.add(KindRootInvokedByService, home, pp.day(), pp.workTime(), a.rootPlain, "support.amazonaws.com", "DescribeTrustedAdvisorChecks", buildRootInvoked)
	pl.ip, pl.agent, pl.SourceIP = "support.amazonaws.com", "support.amazonaws.com", "support.amazonaws.com"

	// Sign-ins: one without MFA, one wrong password (root in odd accounts).
	pp.add(KindConsoleLoginNoMFA, home, pp.day(), pp.workTime(), a.humans[2].login, "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(true, false))
	failer := a.humans[1].login
	if pp.ai%2 == 1 {
		failer = a.rootLogin
	}
	pl = pp.add(KindConsoleLoginFailed, home, pp.day(), pp.workTime(), failer, "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(false, false))
	pl.Failed = true

	// Administrator access: SSO, a federated AdminRole sign-in, and the
	// management account reaching in through OrganizationAccountAccessRole.
	sso := a.ssoAdmins[0]
	saml := rawPrincipal(sso.name, []byte(`{"type":"SAMLUser","principalId":"`+a.samlIdP+`:`+sso.name+`","userName":"`+sso.name+`","identityProvider":"`+a.samlIdP+`"}`))
	saml.ips, saml.agents = sso.ips, []string{uaSSOInternal}
	pp.add(KindAdminRoleLogin, home, pp.day(), pp.workTime(), saml, "sts.amazonaws.com", "AssumeRoleWithSAML", buildAssumeRoleWithSAML(sso))
	pp.add(KindAdminRoleLogin, home, pp.day(), pp.workTime(), a.admin.login, "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(true, false))
	if pp.ai != 0 || len(g.accounts) == 1 {
		caller := g.accounts[0].humans[1]
		pl := pp.add(KindAdminRoleLogin, home, pp.day(), pp.workTime(), caller, "sts.amazonaws.com", "AssumeRole", buildOrgAccessAssume)
		pl.ip = caller.ips[0]
		pl.SourceIP = pl.ip
	}

	// CloudTrail changes, each on its own day.
	human := a.humans[0]
	pp.add(KindCloudTrailTampering, home, pp.day(), pp.workTime(), human, "cloudtrail.amazonaws.com", "StopLogging", buildTrailChange)
	pp.add(KindCloudTrailTampering, home, pp.day(), pp.workTime(), human, "cloudtrail.amazonaws.com", "DeleteTrail", buildTrailChange)
	pp.add(KindCloudTrailTampering, home, pp.day(), pp.workTime(), a.ci[0], "cloudtrail.amazonaws.com", "UpdateTrail", buildTrailChange)
	pp.add(KindCloudTrailTampering, home, pp.day(), pp.workTime(), a.ci[0], "cloudtrail.amazonaws.com", "PutEventSelectors", buildTrailChange)

	// IAM: a new service user end to end, and an inline role policy.
	d, t = pp.day(), pp.workTime()
	user := "svc-reporting"
	for i, name := range []string{"CreateUser", "CreateLoginProfile", "AttachUserPolicy", "CreateAccessKey"} {
		pp.add(KindIAMChange, home, d, t+20*i, human, "iam.amazonaws.com", name, buildIAMUserChange(user, "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	}
	pp.add(KindIAMChange, home, pp.day(), pp.workTime(), a.ci[0], "iam.amazonaws.com", "PutRolePolicy", buildPutRolePolicy)

	// Regional changes.
	cidr := "0.0.0.0/0"
	if r.IntN(3) == 0 {
		cidr = "::/0"
	}
	pp.add(KindSecurityGroupOpen, pp.region(), pp.day(), pp.workTime(), a.humans[1], "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", buildOpenSG(cidr, 22))
	for _, name := range []string{"PutBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock", "DeleteBucketPolicy"} {
		p := a.ci[0]
		if r.IntN(2) == 0 {
			p = pick(r, a.humans)
		}
		pp.add(KindS3PolicyChange, pp.region(), pp.day(), pp.workTime(), p, "s3.amazonaws.com", name, buildS3PolicyChange(r.IntN(len(bucketStems))))
	}
	pp.add(KindKMSKeyDisable, pp.region(), pp.day(), pp.workTime(), a.humans[0], "kms.amazonaws.com", "DisableKey", buildKMSChange(r.IntN(3)))
	pp.add(KindKMSKeyDisable, pp.region(), pp.day(), pp.workTime(), a.ci[0], "kms.amazonaws.com", "ScheduleKeyDeletion", buildKMSChange(r.IntN(3)))
	pp.add(KindGetPasswordData, pp.region(), pp.day(), pp.workTime(), a.humans[1], "ec2.amazonaws.com", "GetPasswordData", buildGetPasswordData(""))
	pl = pp.add(KindGetPasswordData, pp.region(), pp.day(), pp.workTime(), a.apps[0], "ec2.amazonaws.com", "GetPasswordData", buildGetPasswordData("Client.UnauthorizedOperation"))
	pl.ErrorCode, pl.Failed = "Client.UnauthorizedOperation", true

	// Odd records: Insight, VPC endpoint, big and non-ASCII requests.
	ri, d, t := pp.region(), pp.day(), pp.workTime()
	shared := randUUID(r)
	target := a.apps[len(a.apps)-1] // Datadog polling hard
	for i, state := range []string{"Start", "End"} {
		pl := pp.add(KindInsight, ri, d, t+i*(600+r.IntN(1800)), nil, "", "", buildInsight(state, shared, target.id.ARN))
		pl.ip, pl.agent = "", ""
	}
	foreign := Accounts(g.o.Seed^int64(mix(uint64(pp.ai))), 1)[0]
	vp := rawPrincipal("AWSAccount", []byte(`{"type":"AWSAccount","principalId":"","accountId":"`+foreign+`"}`))
	vp.ips, vp.agents = []string{randPrivateIPv4(r)}, []string{uaCLI2Linux}
	pl = pp.add(KindVPCEndpoint, pp.region(), pp.day(), pp.workTime(), vp, "kms.amazonaws.com", "ListAliases", buildVPCE)
	pl.ErrorCode, pl.Failed = "VpceAccessDenied", true
	pp.add(KindLargeRequest, pp.region(), pp.day(), pp.workTime(), a.apps[len(a.apps)-1], "ec2.amazonaws.com", "DescribeInstances", buildLargeDescribe)
	pp.add(KindUnicode, pp.region(), pp.day(), pp.workTime(), a.humans[0], "ec2.amazonaws.com", "CreateTags", buildUnicodeTags)
}

// planAttack plans the story of one account: a password guessed at night
// from an unknown address, then a leaked access key used to make a backdoor
// user that turns off logging, opens SSH, reads a Windows password, makes a
// bucket public and schedules a key for deletion.
func (g *org) planAttack() {
	r := newRand(g.o.Seed, streamPlan, 1<<32)
	ai := r.IntN(len(g.accounts))
	a := g.accounts[ai]
	pp := &planner{g: g, r: r, ai: ai, a: a}
	home, ri := g.home, r.IntN(len(g.o.Regions))
	d := r.IntN(g.o.Days)
	t := 2*3600 + r.IntN(3*3600)

	ip := randIPv4(r, attackerOctets)
	const uaKali = "Boto3/1.26.54 md/Botocore#1.29.54 ua/2.0 os/linux#6.1.0-kali7-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.29.54"
	const uaLinuxFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
	as := func(p *principal, ua string) *principal {
		q := *p
		q.ips, q.agents = []string{ip}, []string{ua}
		return &q
	}
	victim := a.humans[0]
	unknown := rawPrincipal("HIDDEN_DUE_TO_SECURITY_REASONS", []byte(`{"type":"IAMUser","accountId":"`+a.id+`","accessKeyId":"","userName":"HIDDEN_DUE_TO_SECURITY_REASONS"}`))
	unknown.id.AccountID = a.id
	backdoor := as(newUser(r, a.id, "backup-svc", classAttacker), uaKali)
	backdoor.render()
	createAdmin := buildIAMUserChange("backup-svc", "arn:aws:iam::aws:policy/AdministratorAccess")
	steps := []attackStep{
		{KindConsoleLoginFailed, home, 0, as(unknown, uaLinuxFirefox), "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(false, false), "-"},
		{KindConsoleLoginFailed, home, 41, as(victim.login, uaLinuxFirefox), "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(false, false), "-"},
		{KindConsoleLoginFailed, home, 97, as(victim.login, uaLinuxFirefox), "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(false, false), "-"},
		{KindConsoleLoginNoMFA, home, 152, as(victim.login, uaLinuxFirefox), "signin.amazonaws.com", "ConsoleLogin", buildConsoleLogin(true, false), ""},
		{KindRecon, home, 610, as(victim, uaKali), "sts.amazonaws.com", "GetCallerIdentity", buildSimpleRead, ""},
		{KindAccessDenied, home, 634, as(victim, uaKali), "iam.amazonaws.com", "ListUsers", buildDenied, "AccessDenied"},
		{KindAccessDenied, home, 636, as(victim, uaKali), "iam.amazonaws.com", "ListRoles", buildDenied, "AccessDenied"},
		{KindRecon, home, 650, as(victim, uaKali), "s3.amazonaws.com", "ListBuckets", buildSimpleRead, ""},
		{KindRecon, ri, 700, as(victim, uaKali), "ec2.amazonaws.com", "DescribeInstances", buildSimpleRead, ""},
		{KindIAMChange, home, 905, as(victim, uaKali), "iam.amazonaws.com", "CreateUser", createAdmin, ""},
		{KindIAMChange, home, 931, as(victim, uaKali), "iam.amazonaws.com", "AttachUserPolicy", createAdmin, ""},
		{KindIAMChange, home, 958, as(victim, uaKali), "iam.amazonaws.com", "CreateAccessKey", createAdmin, ""},
		{KindCloudTrailTampering, home, 1210, backdoor, "cloudtrail.amazonaws.com", "StopLogging", buildTrailChange, ""},
		{KindSecurityGroupOpen, ri, 1302, backdoor, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", buildOpenSG("0.0.0.0/0", 22), ""},
		{KindGetPasswordData, ri, 1365, backdoor, "ec2.amazonaws.com", "GetPasswordData", buildGetPasswordData(""), ""},
		{KindS3PolicyChange, ri, 1507, backdoor, "s3.amazonaws.com", "PutBucketPolicy", buildS3PolicyChange(2), ""},
		{KindKMSKeyDisable, ri, 1711, backdoor, "kms.amazonaws.com", "ScheduleKeyDeletion", buildKMSChange(0), ""},
	}
	for _, s := range steps {
		pl := pp.add(s.kind, s.ri, d, t+s.off, s.p, s.source, s.name, s.build)
		pl.Attack = true
		switch s.failed {
		case "":
		case "-":
			pl.Failed = true
		default:
			pl.ErrorCode, pl.Failed = s.failed, true
		}
	}
}

// attackStep is one record of the attack story.
type attackStep struct {
	kind   Kind
	ri     int
	off    int // seconds after the first step
	p      *principal
	source string
	name   string
	build  func(*gen, *planned)
	failed string // error code, "-" for a failed sign-in, "" for success
}
