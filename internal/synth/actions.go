package synth

import "strings"

// weighted is one kind of routine activity and how often it happens.
type weighted struct {
	w    int
	home bool // global service: only logged in the home region
	fn   func(*gen)
}

// actionTable picks routine activity by weight.
type actionTable struct {
	cum []int
	fns []func(*gen)
}

func newActionTable(ws []weighted, home bool) *actionTable {
	t := &actionTable{}
	sum := 0
	for _, w := range ws {
		if w.home && !home {
			continue
		}
		sum += w.w
		t.cum = append(t.cum, sum)
		t.fns = append(t.fns, w.fn)
	}
	return t
}

// routine is the background mix, in events per 1000.
var routine = []weighted{
	{w: 165, fn: actEC2Describe},
	{w: 165, fn: actS3Data},
	{w: 40, fn: actS3Bucket},
	{w: 65, fn: actAssumeRoleByService},
	{w: 20, fn: actAssumeRole},
	{w: 25, fn: actGetCallerIdentity},
	{w: 95, fn: actKMS},
	{w: 40, fn: actLambdaInvoke},
	{w: 15, fn: actLambdaRead},
	{w: 70, fn: actDynamoDB},
	{w: 10, fn: actDynamoDBRead},
	{w: 35, fn: actLogs},
	{w: 40, fn: actMonitoring},
	{w: 50, fn: actSSMAgent},
	{w: 20, fn: actSSMParameter},
	{w: 20, fn: actSecret},
	{w: 25, fn: actServiceEvent},
	{w: 40, fn: actConsole},
	{w: 30, fn: actECR},
	{w: 10, fn: actCloudFormation},
	{w: 10, fn: actELB},
	{w: 15, fn: actEC2Write},
	{w: 25, home: true, fn: actIAMRead},
	{w: 10, home: true, fn: actGlobalConsole},
	{w: 3, home: true, fn: actConsoleLoginMFA},
}

var (
	regionalActions = newActionTable(routine, false)
	homeActions     = newActionTable(routine, true)
)

// background builds one routine record into g.e.
func (g *gen) background() {
	t := g.acts
	x := g.r.IntN(t.cum[len(t.cum)-1])
	i := 0
	for t.cum[i] <= x {
		i++
	}
	t.fns[i](g)
}

// Service principals (userIdentity.type AWSService), rendered once.
var servicePrincipals = func() map[string]*principal {
	m := make(map[string]*principal)
	for _, s := range []string{
		"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "events.amazonaws.com",
		"apigateway.amazonaws.com", "kms.amazonaws.com", "backup.amazonaws.com", "config.amazonaws.com",
		"s3.amazonaws.com", "secretsmanager.amazonaws.com", "dynamodb.amazonaws.com", "support.amazonaws.com",
		"ssm.amazonaws.com", "autoscaling.amazonaws.com", "cloudtrail.amazonaws.com", "access-analyzer.amazonaws.com",
	} {
		p := &principal{name: s, id: identity{Type: "AWSService", InvokedBy: s}, ips: []string{s}, agents: []string{s}}
		p.render()
		m[s] = p
	}
	return m
}()

// start resets g.e to a successful management API call by p.
func (g *gen) start(p *principal, source, name string, readOnly bool) *rec {
	e := &g.e
	*e = rec{
		version:   "1.09",
		p:         p,
		sec:       g.sec,
		source:    source,
		name:      name,
		readOnly:  tri(readOnly),
		eventType: "AwsApiCall",
		mgmt:      triTrue,
		category:  "Management",
		resources: g.resBuf[:0],
		console:   p.console,
	}
	e.ip, e.agent = randAgentIP(g.r, p)
	if p.id.Type != "AWSService" {
		e.tlsHost = g.host(source)
		e.tls12 = g.r.IntN(8) == 0
	}
	return e
}

// byService marks the call as made by an AWS service on p's behalf.
func (g *gen) byService(svc string) {
	e := &g.e
	e.invokedBy, e.ip, e.agent, e.tlsHost, e.console = svc, svc, svc, "", false
}

// serviceCall starts a call made by an AWS service in its own name.
func (g *gen) serviceCall(svc, source, name string, readOnly bool) *rec {
	e := g.start(servicePrincipals[svc], source, name, readOnly)
	e.tlsHost = ""
	return e
}

func (g *gen) dataEvent() { g.e.mgmt, g.e.category = triFalse, "Data" }

func resetW(w *jw) *jw { w.b, w.c = w.b[:0], false; return w }

func (g *gen) reqW() *jw  { g.e.req = true; return resetW(&g.req) }
func (g *gen) respW() *jw { g.e.resp = true; return resetW(&g.resp) }
func (g *gen) addW() *jw  { g.e.add = true; return resetW(&g.add) }
func (g *gen) svcW() *jw  { g.e.svc = true; return resetW(&g.svc) }

func (g *gen) res(arn, suffix, acct, typ string) {
	g.e.resources = append(g.e.resources, resource{ARN: arn, Suffix: suffix, AccountID: acct, Type: typ})
}

// fail turns the record into an authorization failure, worded as the
// service words it.
func (g *gen) fail() {
	e := &g.e
	svc := e.source
	if i := strings.IndexByte(svc, '.'); i > 0 {
		svc = svc[:i]
	}
	arn := e.p.id.ARN
	switch svc {
	case "ec2":
		e.errCode = "Client.UnauthorizedOperation"
		e.errMsg = "You are not authorized to perform this operation. User: " + arn + " is not authorized to perform: ec2:" + e.name + " because no identity-based policy allows the ec2:" + e.name + " action"
	case "s3":
		e.errCode, e.errMsg = "AccessDenied", "Access Denied"
	default:
		res := "*"
		if len(e.resources) > 0 {
			res = e.resources[0].ARN + e.resources[0].Suffix
		}
		e.errCode = "AccessDenied"
		e.errMsg = "User: " + arn + " is not authorized to perform: " + svc + ":" + e.name + " on resource: " + res + " because no identity-based policy allows the " + svc + ":" + e.name + " action"
	}
}

// maybeFail makes a caller's own call fail with probability p.
func (g *gen) maybeFail(p float64) {
	if g.e.p != nil && g.e.p.id.Type != "AWSService" && g.e.invokedBy == "" && chance(g.r, p) {
		g.fail()
	}
}

// anyCaller picks who makes a routine read: mostly workloads.
func (g *gen) anyCaller() *principal {
	a := g.acct
	switch x := g.r.IntN(100); {
	case x < 45:
		return pick(g.r, a.apps)
	case x < 65:
		return pick(g.r, a.sso)
	case x < 80:
		return pick(g.r, a.humans)
	case x < 90:
		return pick(g.r, a.services)
	default:
		return pick(g.r, a.ci)
	}
}
