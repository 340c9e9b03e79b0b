package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// faultProxy sits between the SDK and moto and adds what moto cannot
// model: StackSet instances that fail (moto's operations always succeed),
// GuardDuty's organization configuration API (moto lacks it), and roles
// that cannot be assumed (moto's sts:AssumeRole accepts any role). It
// records the operations it saw.
type faultProxy struct {
	URL    string
	target *url.URL
	client *http.Client

	mu sync.Mutex
	// failing instances make any operation that deploys them fail, with
	// the reason; a failed operation leaves them outdated until an
	// operation deploys them successfully.
	failing  map[stackInstance]string
	outdated map[stackInstance]string
	// failedOps are the failed operations and the instances that failed.
	failedOps map[string][]stackInstance
	// orgConfig is GuardDuty's AutoEnableOrganizationMembers per detector.
	orgConfig map[string]string
	denied    map[string]bool // role ARNs AssumeRole refuses
	ops       []proxyOp
}

type stackInstance struct {
	stackSet string
	Instance
}

// proxyOp is a request the proxy saw.
type proxyOp struct {
	Action string     // "CreateStackInstances", "POST /detector/x/admin", ...
	Region string     // signing region
	Form   url.Values // query-protocol parameters
	Body   string     // JSON body of REST requests
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{
		target: u, client: &http.Client{},
		failing: map[stackInstance]string{}, outdated: map[stackInstance]string{},
		failedOps: map[string][]stackInstance{}, orgConfig: map[string]string{}, denied: map[string]bool{},
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// failInstance makes operations deploying the instance fail (reason ""
// stops that).
func (p *faultProxy) failInstance(stackSet, account, region, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := stackInstance{stackSet, Instance{account, region}}
	if reason == "" {
		delete(p.failing, k)
		return
	}
	p.failing[k] = reason
}

// denyRole makes sts:AssumeRole of the role answer AccessDenied.
func (p *faultProxy) denyRole(arn string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.denied[arn] = true
}

// calls returns the operations seen whose action is one of actions.
func (p *faultProxy) calls(actions ...string) []proxyOp {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []proxyOp
	for _, op := range p.ops {
		if slices.Contains(actions, op.Action) {
			out = append(out, op)
		}
	}
	return out
}

func (p *faultProxy) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ops = nil
}

var (
	scopeRe    = regexp.MustCompile(`Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/`)
	orgConfRe  = regexp.MustCompile(`^/detector/([^/]+)/admin$`)
	opIDRe     = regexp.MustCompile(`<OperationId>([^<]+)</OperationId>`)
	memberRe   = regexp.MustCompile(`(?s)<member>.*?</member>`)
	accountRe  = regexp.MustCompile(`<Account>([^<]+)</Account>`)
	regionRe2  = regexp.MustCompile(`<Region>([^<]+)</Region>`)
	statusRe   = regexp.MustCompile(`<Status>[A-Z_]+</Status>`)
	detailedRe = regexp.MustCompile(`<DetailedStatus>[A-Z_]+</DetailedStatus>`)
)

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := proxyOp{}
	if m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		op.Region = m[1]
	}
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		op.Form, _ = url.ParseQuery(string(body))
		op.Action = op.Form.Get("Action")
	case target != "":
		op.Action = target[strings.LastIndexByte(target, '.')+1:]
		op.Body = string(body)
	default:
		op.Action = r.Method + " " + r.URL.Path
		op.Body = string(body)
	}
	p.mu.Lock()
	p.ops = append(p.ops, op)
	p.mu.Unlock()

	switch {
	case op.Action == "AssumeRole" && p.isDenied(op.Form.Get("RoleArn")):
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`, op.Form.Get("RoleArn"))
		return
	case orgConfRe.MatchString(r.URL.Path):
		p.guardDutyOrgConfig(w, r, body)
		return
	case op.Action == "DescribeDeliveryChannelStatus":
		p.deliveryChannelStatus(w, r)
		return
	}

	status, header, resp := p.forward(r, body)
	switch op.Action {
	case "CreateStackInstances", "UpdateStackInstances", "UpdateStackSet":
		resp = p.deployed(op, resp)
	case "DescribeStackSetOperation":
		resp = p.describeOperation(op, resp)
	case "ListStackSetOperationResults":
		resp = p.operationResults(op, resp)
	case "ListStackInstances":
		resp = p.stackInstances(op, resp)
	}
	for k, vs := range header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(status)
	w.Write(resp)
}

func (p *faultProxy) isDenied(arn string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.denied[arn]
}

func (p *faultProxy) forward(r *http.Request, body []byte) (int, http.Header, []byte) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target.String()+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return http.StatusBadGateway, nil, []byte(err.Error())
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	resp, err := p.client.Do(out)
	if err != nil {
		return http.StatusBadGateway, nil, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// guardDutyOrgConfig answers Describe/UpdateOrganizationConfiguration.
func (p *faultProxy) guardDutyOrgConfig(w http.ResponseWriter, r *http.Request, body []byte) {
	det := orgConfRe.FindStringSubmatch(r.URL.Path)[1]
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		var in struct {
			AutoEnableOrganizationMembers string `json:"autoEnableOrganizationMembers"`
		}
		json.Unmarshal(body, &in)
		p.orgConfig[det] = in.AutoEnableOrganizationMembers
		io.WriteString(w, `{}`)
		return
	}
	v := p.orgConfig[det]
	if v == "" {
		v = "NONE"
	}
	fmt.Fprintf(w, `{"autoEnable":%v,"autoEnableOrganizationMembers":%q,"memberAccountLimitReached":false}`, v != "NONE", v)
}

// brokenBucketPrefix starts the bucket names of delivery channels whose
// status deliveryChannelStatus reports as failing.
const brokenBucketPrefix = "broken-"

// deliveryChannelStatus answers Config's DescribeDeliveryChannelStatus,
// which moto lacks, from moto's DescribeDeliveryChannels: every delivery
// succeeds, except to a bucket named broken-*.
func (p *faultProxy) deliveryChannelStatus(w http.ResponseWriter, r *http.Request) {
	r.Header.Set("X-Amz-Target", "StarlingDoveService.DescribeDeliveryChannels")
	status, header, resp := p.forward(r, []byte(`{}`))
	if status != http.StatusOK {
		w.WriteHeader(status)
		w.Write(resp)
		return
	}
	var in struct {
		DeliveryChannels []struct {
			Name         string `json:"name"`
			S3BucketName string `json:"s3BucketName"`
		} `json:"DeliveryChannels"`
	}
	if err := json.Unmarshal(resp, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	type info struct {
		LastStatus       string `json:"lastStatus"`
		LastErrorCode    string `json:"lastErrorCode,omitempty"`
		LastErrorMessage string `json:"lastErrorMessage,omitempty"`
	}
	type channelStatus struct {
		Name     string `json:"name"`
		History  info   `json:"configHistoryDeliveryInfo"`
		Snapshot info   `json:"configSnapshotDeliveryInfo"`
	}
	var out struct {
		DeliveryChannelsStatus []channelStatus `json:"DeliveryChannelsStatus"`
	}
	out.DeliveryChannelsStatus = []channelStatus{}
	for _, c := range in.DeliveryChannels {
		s := channelStatus{Name: c.Name, History: info{LastStatus: "Success"}, Snapshot: info{LastStatus: "Success"}}
		if strings.HasPrefix(c.S3BucketName, brokenBucketPrefix) {
			s.History = info{"Failure", "NoSuchBucket", "The specified bucket does not exist."}
		}
		out.DeliveryChannelsStatus = append(out.DeliveryChannelsStatus, s)
	}
	w.Header().Set("Content-Type", header.Get("Content-Type"))
	json.NewEncoder(w).Encode(out)
}

// targets returns the instances an operation request deploys; for
// UpdateStackSet, every outdated or failing instance of the StackSet.
func (p *faultProxy) targets(op proxyOp) []stackInstance {
	name := op.Form.Get("StackSetName")
	var out []stackInstance
	if op.Action == "UpdateStackSet" {
		for k := range p.failing {
			if k.stackSet == name {
				out = append(out, k)
			}
		}
		for k := range p.outdated {
			if k.stackSet == name {
				out = append(out, k)
			}
		}
		return out
	}
	for i := 1; op.Form.Get(fmt.Sprintf("Accounts.member.%d", i)) != ""; i++ {
		for j := 1; op.Form.Get(fmt.Sprintf("Regions.member.%d", j)) != ""; j++ {
			out = append(out, stackInstance{name, Instance{op.Form.Get(fmt.Sprintf("Accounts.member.%d", i)), op.Form.Get(fmt.Sprintf("Regions.member.%d", j))}})
		}
	}
	return out
}

// deployed records the outcome of an operation moto accepted.
func (p *faultProxy) deployed(op proxyOp, resp []byte) []byte {
	m := opIDRe.FindSubmatch(resp)
	if m == nil {
		return resp
	}
	id := string(m[1])
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range p.targets(op) {
		if reason, ok := p.failing[k]; ok {
			p.failedOps[id] = append(p.failedOps[id], k)
			p.outdated[k] = reason
			continue
		}
		delete(p.outdated, k)
	}
	return resp
}

func (p *faultProxy) describeOperation(op proxyOp, resp []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.failedOps[op.Form.Get("OperationId")]; !ok {
		return resp
	}
	return bytes.Replace(resp, []byte("<Status>SUCCEEDED</Status>"),
		[]byte("<Status>FAILED</Status><StatusReason>The operation failed: failure tolerance exceeded.</StatusReason>"), 1)
}

func (p *faultProxy) operationResults(op proxyOp, resp []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	failed := p.failedOps[op.Form.Get("OperationId")]
	return p.rewriteMembers(resp, func(i Instance) (string, bool) {
		for _, k := range failed {
			if k.Instance == i {
				return p.outdated[k], true
			}
		}
		return "", false
	}, "FAILED", "")
}

func (p *faultProxy) stackInstances(op proxyOp, resp []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := op.Form.Get("StackSetName")
	return p.rewriteMembers(resp, func(i Instance) (string, bool) {
		reason, ok := p.outdated[stackInstance{name, i}]
		return reason, ok
	}, "OUTDATED", "FAILED")
}

// rewriteMembers sets the status (and detailed status) and reason of the
// list members whose instance is picked.
func (p *faultProxy) rewriteMembers(resp []byte, pick func(Instance) (string, bool), status, detailed string) []byte {
	return memberRe.ReplaceAllFunc(resp, func(m []byte) []byte {
		a, r := accountRe.FindSubmatch(m), regionRe2.FindSubmatch(m)
		if a == nil || r == nil {
			return m
		}
		reason, ok := pick(Instance{string(a[1]), string(r[1])})
		if !ok {
			return m
		}
		// The instance's own <Status> comes first; AccountGateResult's is nested after it.
		loc := statusRe.FindIndex(m)
		out := append([]byte{}, m[:loc[0]]...)
		out = append(out, fmt.Sprintf("<Status>%s</Status><StatusReason>%s</StatusReason>", status, reason)...)
		out = append(out, m[loc[1]:]...)
		if detailed != "" {
			out = detailedRe.ReplaceAll(out, []byte("<DetailedStatus>"+detailed+"</DetailedStatus>"))
		}
		return out
	})
}
