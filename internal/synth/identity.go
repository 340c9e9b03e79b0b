package synth

import "bytes"

// issuer is userIdentity.sessionContext.sessionIssuer.
type issuer struct {
	Type, PrincipalID, ARN, AccountID, UserName string
}

// identity is a record's userIdentity element. Keys are written in
// CloudTrail's order; empty strings are omitted except accessKeyId when
// KeyEmpty is set (console sign-ins carry "accessKeyId":"").
type identity struct {
	Type, PrincipalID, ARN, AccountID, AccessKeyID, UserName string
	KeyEmpty                                                 bool
	Issuer                                                   *issuer
	Session                                                  bool // write sessionContext with attributes
	MFA                                                      bool
	EC2RoleDelivery                                          bool
	InvokedBy                                                string
}

// creationMark stands for the creation date while pre-rendering; it is a
// byte appendStr never escapes and no generated value contains.
const creationMark = "\x7f"

// write writes the identity object in value position.
func (id *identity) write(w *jw, creation string) {
	w.Open()
	if id.Type != "" {
		w.KS("type", id.Type)
	}
	if id.PrincipalID != "" {
		w.KS("principalId", id.PrincipalID)
	}
	if id.ARN != "" {
		w.KS("arn", id.ARN)
	}
	if id.AccountID != "" {
		w.KS("accountId", id.AccountID)
	}
	if id.AccessKeyID != "" || id.KeyEmpty {
		w.KS("accessKeyId", id.AccessKeyID)
	}
	if id.UserName != "" {
		w.KS("userName", id.UserName)
	}
	if id.Session {
		w.KO("sessionContext")
		w.KO("sessionIssuer")
		if is := id.Issuer; is != nil {
			w.KS("type", is.Type)
			w.KS("principalId", is.PrincipalID)
			w.KS("arn", is.ARN)
			w.KS("accountId", is.AccountID)
			w.KS("userName", is.UserName)
		}
		w.Close()
		w.KO("webIdFederationData")
		w.Close()
		w.KO("attributes")
		w.KS("creationDate", creation)
		w.KS("mfaAuthenticated", boolStr(id.MFA))
		w.Close()
		if id.EC2RoleDelivery {
			w.KS("ec2RoleDelivery", "2.0")
		}
		w.Close()
	}
	if id.InvokedBy != "" {
		w.KS("invokedBy", id.InvokedBy)
	}
	w.Close()
}

func boolStr(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// pclass is what kind of caller a principal is; actions pick callers by class.
type pclass uint8

const (
	classHuman    pclass = iota // IAM user with an access key, used from a laptop
	classService                // IAM user used by a tool (CI, backups, dashboards)
	classApp                    // role session of a workload (EC2, Lambda, ECS)
	classCI                     // role session of a deployment pipeline (terraform)
	classSSO                    // IAM Identity Center session in the console
	classAdmin                  // AdminRole / OrganizationAccountAccessRole session
	classRoot                   // the root user in the console
	classAttacker               // the attack story's actors
)

// principal is a caller with its identity pre-rendered: pre + creationDate +
// post is the userIdentity JSON, or pre alone when it has no session.
type principal struct {
	id      identity
	class   pclass
	name    string // user name, session name or "root"
	pre     []byte
	post    []byte
	ips     []string
	agents  []string
	console bool       // API calls carry sessionCredentialFromConsole
	vpce    bool       // workload that reaches S3 through a gateway endpoint
	login   *principal // how the principal appears on ConsoleLogin (no access key)
}

// loginVariant returns p as sign-in events show it: without an access key.
func loginVariant(p *principal) *principal {
	l := &principal{class: p.class, name: p.name, id: p.id, ips: p.ips, agents: p.agents}
	l.id.AccessKeyID = ""
	l.render()
	return l
}

// rawPrincipal returns a principal whose userIdentity is exactly raw JSON.
func rawPrincipal(name string, raw []byte) *principal {
	return &principal{name: name, pre: raw}
}

func (p *principal) render() {
	var w jw
	p.id.write(&w, creationMark)
	if i := bytes.IndexByte(w.b, creationMark[0]); i >= 0 {
		p.pre, p.post = w.b[:i:i], w.b[i+1:]
		return
	}
	p.pre, p.post = w.b, nil
}

// writeIdentity writes "userIdentity":{...} for p, with creation as the
// session creation date and invokedBy appended when non-empty.
func writeIdentity(w *jw, p *principal, creation []byte, invokedBy string) {
	w.Key("userIdentity")
	w.b = append(w.b, p.pre...)
	if p.post != nil {
		w.b = append(w.b, creation...)
		w.b = append(w.b, p.post...)
	}
	if invokedBy != "" {
		w.b = w.b[:len(w.b)-1]
		w.b = append(w.b, `,"invokedBy":`...)
		w.b = appendStr(w.b, invokedBy)
		w.b = append(w.b, '}')
	}
	w.c = true
}
