package synth

import (
	"math/rand/v2"
	"strconv"
)

// Accounts returns the n 12-digit account ids Generate uses for seed, in
// order. The first one plays the organization's management account. Ids are
// uniform over 000000000000-999999999999, so some have leading zeros, as
// real ones do: keep them as strings.
func Accounts(seed int64, n int) []string {
	if n <= 0 {
		return nil
	}
	r := newRand(seed, streamAccounts)
	out := make([]string, 0, n)
	seen := make(map[uint64]bool, n)
	for len(out) < n {
		v := r.Uint64N(1_000_000_000_000)
		if seen[v] {
			continue
		}
		seen[v] = true
		s := strconv.FormatUint(v, 10)
		for len(s) < 12 {
			s = "0" + s
		}
		out = append(out, s)
	}
	return out
}

// User agents, as real callers send them.
const (
	uaCLI2        = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/ec2.describe-instances"
	uaCLI2Linux   = "aws-cli/2.13.5 Python/3.11.4 Linux/6.2.0-26-generic exe/x86_64.ubuntu.22 prompt/off command/s3.ls"
	uaCLI1        = "aws-cli/1.29.62 Python/3.9.16 Linux/5.10.197-186.748.amzn2.x86_64 botocore/1.31.62"
	uaBoto3       = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
	uaBoto3Mac    = "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/macos#23.1.0 md/arch#arm64 lang/python#3.11.5 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57"
	uaLambdaPy    = "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.209-219.833.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.51"
	uaTerraform   = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 ua/2.0 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64"
	uaGoV2        = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64"
	uaGoV1        = "aws-sdk-go/1.50.3 (go1.21.6; linux; amd64)"
	uaJava        = "aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy"
	uaSSMAgent    = "aws-sdk-go/1.44.260 (go1.20.10; linux; amd64) amazon-ssm-agent/3.3.40.0"
	uaDatadog     = "aws-sdk-go/1.44.327 (go1.21.5; linux; amd64) Datadog-AWS-Integration"
	uaConsole     = "AWS Internal"
	uaSSOInternal = "aws-internal/3 aws-sdk-java/1.12.720 Linux/5.10.216-225.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation cfg/retry-mode/standard"
	uaChrome      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	uaFirefox     = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
	uaEdge        = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81"
)

var (
	humanNames   = []string{"alice", "bob.nguyen", "carol", "dmitri.ivanov", "eve.sato", "farid", "grace.okafor", "hiro", "ines.moreau", "jamal"}
	browserUAs   = []string{uaChrome, uaFirefox, uaEdge}
	consoleUAs   = []string{uaConsole, uaConsole, "console.ec2.amazonaws.com", "console.amazonaws.com"}
	bucketStems  = []string{"data-lake", "app-assets", "backups", "logs-archive", "ml-datasets", "terraform-state", "reports"}
	objectStems  = []string{"data/2024/part-", "uploads/img_", "exports/orders-", "models/checkpoint-", "reports/monthly-", "raw/events/batch-"}
	functionStem = []string{"ingest-orders", "resize-images", "nightly-report", "auth-authorizer", "sqs-consumer", "cost-notifier"}
	tableStems   = []string{"orders", "sessions", "customers", "inventory", "feature-flags"}
	paramNames   = []string{"/prod/db/password", "/prod/api/stripe-key", "/shared/datadog/api-key", "/prod/app/config", "/staging/db/url"}
)

// regional holds one account's resources in one region.
type regional struct {
	buckets   []string
	instances []string
	sgs       []string
	keys      []string // KMS key ARNs
	functions []string // Lambda function names
	tables    []string // DynamoDB table names
	vpcs      []string
	subnets   []string
	vpceS3    string
	vpceOther string // interface endpoint used by AwsVpceEvent records
}

// account is one member account's stable cast: callers and resources. It is
// built once per Generate and only read afterwards.
type account struct {
	idx          int
	id           string
	officeIPs    []string
	humans       []*principal // IAM users with access keys
	services     []*principal // IAM users of tools
	apps         []*principal // workload role sessions
	ci           []*principal // deployment pipeline role sessions
	sso          []*principal // Identity Center console sessions
	ssoAdmins    []*principal // the subset of sso on AdministratorAccess
	ssoAdminRole string       // AWSReservedSSO_AdministratorAccess_<hex>
	samlIdP      string       // identityProvider of SAMLUser identities
	samlProvider string       // ARN of the Identity Center SAML provider
	root         *principal   // root in the console (with a session)
	rootLogin    *principal   // root as it appears on ConsoleLogin
	rootPlain    *principal   // root on sign-in service events and service-invoked calls
	admin        *principal   // assumed-role/AdminRole/<human>
	orgAccess    *principal   // assumed-role/OrganizationAccountAccessRole/<session>
	regions      []regional
}

func newAccount(seed int64, idx int, ids []string, regions []string) *account {
	r := newRand(seed, streamProfile, uint64(idx))
	id := ids[idx]
	a := &account{idx: idx, id: id}
	a.officeIPs = []string{randIPv4(r, officeOctets), randIPv4(r, officeOctets)}

	// People: IAM users with keys from laptops, some over IPv6 at home.
	names := append([]string(nil), humanNames...)
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, name := range names[:3] {
		p := newUser(r, id, name, classHuman)
		p.ips = []string{a.officeIPs[0], a.officeIPs[1], randIPv4(r, officeOctets)}
		if chance(r, 0.5) {
			p.ips = append(p.ips, randIPv6(r))
		}
		p.agents = []string{uaCLI2, uaCLI2Linux, uaBoto3Mac}
		a.humans = append(a.humans, p)
	}
	for _, s := range []struct{ name, ua string }{{"ci-deployer", uaTerraform}, {"legacy-backup", uaCLI1}, {"grafana-reader", uaGoV1}} {
		p := newUser(r, id, s.name, classService)
		p.ips = []string{randIPv4(r, awsOctets), randIPv4(r, awsOctets)}
		p.agents = []string{s.ua}
		a.services = append(a.services, p)
	}

	// Workloads: role sessions with NAT gateway addresses; EC2 sessions are
	// instance ids delivered by IMDS (ec2RoleDelivery).
	natIPs := []string{randIPv4(r, awsOctets), randIPv4(r, awsOctets), randIPv4(r, awsOctets)}
	workloads := []struct {
		role    string
		ec2     bool
		session func() string
		agents  []string
	}{
		{"app-backend-role", true, func() string { return "i-" + randHex(r, 17) }, []string{uaBoto3, uaJava}},
		{"eks-node-group-role", true, func() string { return "i-" + randHex(r, 17) }, []string{uaGoV2, uaGoV1}},
		{"orders-api-task-role", false, func() string { return randHex(r, 32) }, []string{uaJava}},
		{"ingest-lambda-role", false, func() string { return pick(r, functionStem) }, []string{uaLambdaPy}},
		{"DatadogIntegrationRole", false, func() string { return "DatadogAWSIntegration" }, []string{uaDatadog}},
	}
	for _, wl := range workloads {
		roleID := randID(r, "AROA")
		n := 1
		if wl.ec2 {
			n = 3
		}
		for i := 0; i < n; i++ {
			p := newRoleSession(r, id, wl.role, "/", roleID, wl.session(), classApp)
			p.id.EC2RoleDelivery = wl.ec2
			p.ips = natIPs
			p.agents = wl.agents
			p.vpce = wl.ec2
			if wl.role == "DatadogIntegrationRole" {
				p.ips = []string{randIPv4(r, awsOctets), randIPv4(r, awsOctets)}
			}
			a.apps = append(a.apps, p)
		}
	}
	ci := newRoleSession(r, id, "github-actions-deploy", "/", randID(r, "AROA"), "GitHubActions", classCI)
	ci.ips = []string{randIPv4(r, awsOctets), randIPv4(r, awsOctets), randIPv4(r, awsOctets)}
	ci.agents = []string{uaTerraform}
	a.ci = append(a.ci, ci)

	// Identity Center: console sessions of the same people.
	ssoRegion := "eu-west-1"
	ro := "AWSReservedSSO_ReadOnlyAccess_" + randHex(r, 16)
	a.ssoAdminRole = "AWSReservedSSO_AdministratorAccess_" + randHex(r, 16)
	a.samlIdP = randChars(r, b64chars, 27) + "="
	a.samlProvider = "arn:aws:iam::" + id + ":saml-provider/AWSSSO_" + randHex(r, 16) + "_DO_NOT_DELETE"
	roID, adminID := randID(r, "AROA"), randID(r, "AROA")
	for i, h := range a.humans {
		role, roleID := ro, roID
		if i == 0 {
			role, roleID = a.ssoAdminRole, adminID
		}
		p := newRoleSession(r, id, role, "/aws-reserved/sso.amazonaws.com/"+ssoRegion+"/", roleID, h.name+"@example.com", classSSO)
		p.ips = h.ips
		p.agents = consoleUAs
		p.console = true
		a.sso = append(a.sso, p)
		if i == 0 {
			a.ssoAdmins = append(a.ssoAdmins, p)
		}
	}

	a.rootLogin = &principal{class: classRoot, name: "root", id: identity{Type: "Root", PrincipalID: id, ARN: "arn:aws:iam::" + id + ":root", AccountID: id, KeyEmpty: true}}
	a.root = &principal{class: classRoot, name: "root", console: true, id: identity{Type: "Root", PrincipalID: id, ARN: "arn:aws:iam::" + id + ":root", AccountID: id, AccessKeyID: randID(r, "ASIA"), Session: true, MFA: true}}
	a.root.ips = []string{a.officeIPs[0]}
	a.root.agents = browserUAs
	a.rootLogin.ips, a.rootLogin.agents = a.root.ips, a.root.agents

	a.admin = newRoleSession(r, id, "AdminRole", "/", randID(r, "AROA"), a.humans[0].name, classAdmin)
	a.admin.ips, a.admin.agents, a.admin.console = a.humans[0].ips, consoleUAs, true
	a.orgAccess = newRoleSession(r, id, "OrganizationAccountAccessRole", "/", randID(r, "AROA"), a.humans[1].name, classAdmin)
	a.orgAccess.ips, a.orgAccess.agents = a.humans[1].ips, []string{uaCLI2}

	for _, p := range a.all() {
		p.render()
	}
	for _, p := range append(append(append([]*principal{}, a.humans...), a.services...), a.admin, a.orgAccess) {
		p.login = loginVariant(p)
	}
	a.root.login = a.rootLogin
	a.rootPlain = &principal{class: classRoot, name: "root", id: identity{Type: "Root", PrincipalID: id, ARN: "arn:aws:iam::" + id + ":root", AccountID: id}}
	a.rootPlain.ips, a.rootPlain.agents = a.root.ips, a.root.agents
	a.rootPlain.render()
	a.buildRegions(seed, regions)
	return a
}

// buildRegions fills a.regions; each region draws from its own stream so
// that adding a region leaves the others' resources unchanged.
func (a *account) buildRegions(seed int64, regions []string) {
	a.regions = make([]regional, len(regions))
	for i, region := range regions {
		r := newRand(seed, streamProfile, uint64(a.idx), strHash(region))
		rg := &a.regions[i]
		for _, stem := range bucketStems {
			rg.buckets = append(rg.buckets, "acme-"+stem+"-"+a.id+"-"+region)
		}
		for range 6 {
			rg.instances = append(rg.instances, "i-0"+randHex(r, 16))
		}
		for range 4 {
			rg.sgs = append(rg.sgs, "sg-0"+randHex(r, 16))
			rg.vpcs = append(rg.vpcs, "vpc-0"+randHex(r, 16))
			rg.subnets = append(rg.subnets, "subnet-0"+randHex(r, 16))
		}
		for range 3 {
			rg.keys = append(rg.keys, "arn:aws:kms:"+region+":"+a.id+":key/"+randUUID(r))
		}
		rg.functions = append(rg.functions, functionStem...)
		rg.tables = append(rg.tables, tableStems...)
		rg.vpceS3 = "vpce-0" + randHex(r, 16)
		rg.vpceOther = "vpce-0" + randHex(r, 16)
	}
}

func (a *account) all() []*principal {
	var out []*principal
	out = append(out, a.humans...)
	out = append(out, a.services...)
	out = append(out, a.apps...)
	out = append(out, a.ci...)
	out = append(out, a.sso...)
	return append(out, a.root, a.rootLogin, a.admin, a.orgAccess)
}

func newUser(r *rand.Rand, acct, name string, class pclass) *principal {
	return &principal{class: class, name: name, id: identity{
		Type:        "IAMUser",
		PrincipalID: randID(r, "AIDA"),
		ARN:         "arn:aws:iam::" + acct + ":user/" + name,
		AccountID:   acct,
		AccessKeyID: randID(r, "AKIA"),
		UserName:    name,
	}}
}

// newRoleSession returns a session of role, which lives in acct.
func newRoleSession(r *rand.Rand, acct, role, path, roleID, session string, class pclass) *principal {
	return &principal{class: class, name: session, id: identity{
		Type:        "AssumedRole",
		PrincipalID: roleID + ":" + session,
		ARN:         "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session,
		AccountID:   acct,
		AccessKeyID: randID(r, "ASIA"),
		Issuer: &issuer{
			Type:        "Role",
			PrincipalID: roleID,
			ARN:         "arn:aws:iam::" + acct + ":role" + path + role,
			AccountID:   acct,
			UserName:    role,
		},
		Session: true,
	}}
}

// randAgentIP returns a random source address and user agent of p.
func randAgentIP(r *rand.Rand, p *principal) (ip, agent string) {
	return pick(r, p.ips), pick(r, p.agents)
}
