package awsfake

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is a way to break a download.
type Fault int

const (
	// Truncate sends the headers (with the full Content-Length) and half
	// the body, then closes the connection.
	Truncate Fault = iota + 1
	// ConnReset sends the headers and half the body, then resets the
	// connection (TCP RST).
	ConnReset
)

// Request is a request the proxy saw.
type Request struct {
	Op     string     // operation: "ListObjectsV2", "GetObject", "GetLogEvents", ...
	Bucket string     // S3 requests
	Key    string     // S3 object requests
	Query  url.Values // S3 request parameters ("start-after", "delimiter", ...)
	Status int        // HTTP status answered
	Keys   int        // ListObjectsV2: keys in the answer
	// Service and Region are the signing scope of the request ("ec2",
	// "us-east-1"), from its Authorization header.
	Service, Region string
	// AccessKey is the signing access key id; Account the account whose
	// assumed-role credentials it is, when the proxy saw the AssumeRole
	// that issued them ("" otherwise).
	AccessKey, Account string
	// Form holds the parameters of a query-protocol request (Action,
	// RoleArn, …).
	Form url.Values
}

// FaultProxy is a reverse proxy in front of an AWS endpoint (moto) that
// can answer with throttling errors, add latency and break downloads. It
// records the requests it saw. Its methods are safe for concurrent use.
//
// It tells operations apart by the X-Amz-Target header (JSON protocols:
// CloudWatch Logs, SQS) or else by the method and path of a path-style S3
// request.
type FaultProxy struct {
	// URL is the endpoint to give the SDK.
	URL string

	target *url.URL
	client *http.Client

	mu        sync.Mutex
	throttles map[string]int
	breaks    map[string]breakage
	latency   time.Duration
	requests  []Request
	failOps   map[string]apiFault
	failRegs  map[string]apiFault
	failIfs   []conditionalFault
	keyAcct   map[string]string // access key id -> account, learned from AssumeRole
}

type conditionalFault struct {
	match func(Request) bool
	fault apiFault
}

// apiFault is an error the proxy answers instead of forwarding.
type apiFault struct {
	code, message string
	status        int
	n             int // remaining; <0 forever
}

type breakage struct {
	fault Fault
	n     int
}

// NewFaultProxy starts a proxy to target (an endpoint URL), stopped when t
// ends.
func NewFaultProxy(t testing.TB, target string) *FaultProxy {
	t.Helper()
	p, stop, err := StartFaultProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return p
}

// StartFaultProxy starts a proxy to target outside of tests (vigil bench)
// and returns it with the function that stops it.
func StartFaultProxy(target string) (*FaultProxy, func(), error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, nil, fmt.Errorf("proxy target %q: %v", target, err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	p := &FaultProxy{
		target:    u,
		throttles: map[string]int{},
		breaks:    map[string]breakage{},
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	srv := httptest.NewServer(p)
	p.URL = srv.URL
	return p, srv.Close, nil
}

// Throttle makes the next n requests for op fail with the service's
// throttling error: S3's 503 SlowDown, or a JSON-protocol 400
// ThrottlingException.
func (p *FaultProxy) Throttle(op string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttles[op] += n
}

// SetLatency delays every request by d.
func (p *FaultProxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// BreakDownload breaks the next n GetObject downloads of key with f
// (n = 0 stops breaking them).
func (p *FaultProxy) BreakDownload(key string, f Fault, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.breaks[key] = breakage{fault: f, n: n}
}

// Requests returns the requests seen so far, in arrival order.
func (p *FaultProxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// Calls returns how many requests for op the proxy saw (throttled ones
// included).
func (p *FaultProxy) Calls(op string) int {
	n := 0
	for _, r := range p.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// ClearRequests forgets the requests seen so far.
func (p *FaultProxy) ClearRequests() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
}

func (p *FaultProxy) record(r Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, r)
}

// Fail makes the next n calls of op (all of them when n < 0) answer
// with the AWS error code and HTTP status, in the wire format of the
// request's protocol (EC2 query, IAM/STS query, JSON, REST-JSON, S3 XML).
func (p *FaultProxy) Fail(op, code string, status, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failOps == nil {
		p.failOps = map[string]apiFault{}
	}
	p.failOps[op] = apiFault{code: code, message: "injected by the fault proxy", status: status, n: n}
}

// FailRegion makes every call signed for region answer with code, as a
// region that is not enabled for the account does (AuthFailure for EC2,
// UnrecognizedClientException or InvalidClientTokenId elsewhere).
func (p *FaultProxy) FailRegion(region, code string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failRegs == nil {
		p.failRegs = map[string]apiFault{}
	}
	p.failRegs[region] = apiFault{code: code, message: "region " + region + " is not enabled for this account (injected)", status: status, n: -1}
}

// FailIf makes every request match accepts answer with code and status,
// e.g. AssumeRole of one account's audit role (a role that does not
// exist), or every call made with one account's credentials to one
// region (a region not enabled there).
func (p *FaultProxy) FailIf(match func(Request) bool, code string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failIfs = append(p.failIfs, conditionalFault{match: match, fault: apiFault{code: code, message: "injected by the fault proxy", status: status, n: -1}})
}

// takeFault returns the fault to answer req with, if any.
func (p *FaultProxy) takeFault(req Request) (apiFault, bool) {
	for _, c := range p.failIfs {
		if c.match(req) {
			return c.fault, true
		}
	}
	if f, ok := p.failRegs[req.Region]; ok && req.Region != "" {
		return f, true
	}
	f, ok := p.failOps[req.Op]
	if !ok || f.n == 0 {
		return apiFault{}, false
	}
	if f.n > 0 {
		f.n--
		p.failOps[req.Op] = f
	}
	return f, true
}

// ServeHTTP implements http.Handler.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := classify(r)
	p.mu.Lock()
	req.Account = p.keyAcct[req.AccessKey]
	latency := p.latency
	throttle := p.throttles[req.Op] > 0
	if throttle {
		p.throttles[req.Op]--
	}
	fault, failed := p.takeFault(req)
	brk, broken := p.breaks[req.Key]
	broken = broken && req.Op == "GetObject" && brk.n > 0
	if broken {
		brk.n--
		p.breaks[req.Key] = brk
	}
	p.mu.Unlock()

	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if throttle {
		io.Copy(io.Discard, r.Body)
		req.Status = writeThrottle(w, r)
		p.record(req)
		return
	}
	if failed && !throttle {
		io.Copy(io.Discard, r.Body)
		req.Status = writeError(w, r, req, fault)
		p.record(req)
		return
	}

	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target.String()+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	resp, err := p.client.Do(out)
	if err != nil {
		req.Status = http.StatusBadGateway
		p.record(req)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		req.Status = http.StatusBadGateway
		p.record(req)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Status = resp.StatusCode
	if req.Op == "AssumeRole" && resp.StatusCode == http.StatusOK {
		p.learnKey(req, body)
	}
	if req.Op == "ListObjectsV2" {
		req.Keys = bytes.Count(body, []byte("<Key>"))
	}
	p.record(req)

	for k, vs := range resp.Header {
		if hopByHop[http.CanonicalHeaderKey(k)] {
			continue
		}
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(resp.StatusCode)
	if !broken || r.Method == http.MethodHead || len(body) < 2 {
		w.Write(body)
		return
	}
	w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if brk.fault == ConnReset {
		// Let the client read the headers first: an RST before them would
		// be a connection error the SDK retries, not a broken download.
		time.Sleep(100 * time.Millisecond)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0) // close sends RST
				}
				conn.Close()
				return
			}
		}
	}
	// Abort: the server closes the connection without the rest of the body.
	panic(http.ErrAbortHandler)
}

var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Content-Length": true,
}

// writeThrottle answers with the throttling error of the request's
// protocol and returns the status.
func writeThrottle(w http.ResponseWriter, r *http.Request) int {
	if isQuery(r) {
		req := Request{Service: signingService(r)}
		return writeError(w, r, req, apiFault{code: "Throttling", message: "Rate exceeded", status: http.StatusBadRequest})
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		ct := "application/x-amz-json-1.1"
		if strings.HasPrefix(target, "AmazonSQS.") {
			ct = "application/x-amz-json-1.0"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Amzn-Errortype", "ThrottlingException")
		w.Header().Set("X-Amzn-Requestid", "vigil-fault-proxy")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
		return http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", "vigil-fault-proxy")
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>`+
		`<RequestId>vigil-fault-proxy</RequestId><HostId>vigil-fault-proxy</HostId></Error>`)
	return http.StatusServiceUnavailable
}

var accessKeyRe = regexp.MustCompile(`<AccessKeyId>([^<]+)</AccessKeyId>`)

// learnKey remembers which account the credentials an AssumeRole returned
// act in (the account of the role ARN).
func (p *FaultProxy) learnKey(req Request, body []byte) {
	m := accessKeyRe.FindSubmatch(body)
	parts := strings.Split(req.Form.Get("RoleArn"), ":")
	if m == nil || len(parts) < 5 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.keyAcct == nil {
		p.keyAcct = map[string]string{}
	}
	p.keyAcct[string(m[1])] = parts[4]
}

// writeError answers with f in the wire format of r's protocol and
// returns the status.
func writeError(w http.ResponseWriter, r *http.Request, req Request, f apiFault) int {
	status := f.status
	if status == 0 {
		status = http.StatusBadRequest
	}
	switch {
	case isQuery(r) && req.Service == "ec2":
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>vigil-fault-proxy</RequestID></Response>`, f.code, f.message)
	case isQuery(r):
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>vigil-fault-proxy</RequestId></ErrorResponse>`, f.code, f.message)
	case r.Header.Get("X-Amz-Target") != "" || (req.Service != "s3" && req.Service != ""):
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", f.code)
		w.Header().Set("X-Amzn-Requestid", "vigil-fault-proxy")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q,"Message":%q}`, f.code, f.message, f.message)
	case strings.HasPrefix(strings.TrimPrefix(r.URL.Path, "/"), s3ControlPrefix):
		// S3 Control wraps its errors, unlike S3.
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error><RequestId>vigil-fault-proxy</RequestId></ErrorResponse>`, f.code, f.message)
	default:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><RequestId>vigil-fault-proxy</RequestId></Error>`, f.code, f.message)
	}
	return status
}

// isQuery reports whether r uses the AWS query protocol (EC2, IAM, STS,
// SNS, RDS, CloudWatch, …): a form-encoded POST.
func isQuery(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}

// signingKey returns the access key id of r's signature.
func signingKey(r *http.Request) string {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(cred, "/")
	return key
}

// signingScope returns the service and region of r's SigV4 credential
// scope (Credential=AKID/date/region/service/aws4_request).
func signingScope(r *http.Request) (service, region string) {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return "", ""
	}
	return parts[3], parts[2]
}

func signingService(r *http.Request) string {
	s, _ := signingScope(r)
	return s
}

// s3ControlPrefix starts the path of every S3 Control request.
const s3ControlPrefix = "v20180820/"

// bucketSubresources name S3's bucket configuration calls by their query
// key: GET ?policy is GetBucketPolicy, PUT ?versioning PutBucketVersioning.
var bucketSubresources = map[string]string{
	"policy": "BucketPolicy", "policyStatus": "BucketPolicyStatus", "acl": "BucketAcl",
	"publicAccessBlock": "PublicAccessBlock", "encryption": "BucketEncryption", "versioning": "BucketVersioning",
	"logging": "BucketLogging", "tagging": "BucketTagging", "object-lock": "ObjectLockConfiguration",
	"accelerate": "BucketAccelerateConfiguration", "requestPayment": "BucketRequestPayment",
	"notification": "BucketNotificationConfiguration", "lifecycle": "BucketLifecycleConfiguration",
	"website": "BucketWebsite", "cors": "BucketCors", "ownershipControls": "BucketOwnershipControls",
	"replication": "BucketReplication",
}

func bucketSubresource(q url.Values) string {
	for k := range q {
		if sub, ok := bucketSubresources[k]; ok {
			return sub
		}
	}
	return ""
}

// methodVerb is the operation verb of an HTTP method.
func methodVerb(m string) string {
	switch m {
	case http.MethodPut:
		return "Put"
	case http.MethodDelete:
		return "Delete"
	}
	return "Get"
}

// classify names the operation of a request.
func classify(r *http.Request) Request {
	service, region := signingScope(r)
	req := classifyOp(r)
	req.Service, req.Region, req.AccessKey = service, region, signingKey(r)
	return req
}

func classifyOp(r *http.Request) Request {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return Request{Op: target[strings.LastIndexByte(target, '.')+1:]}
	}
	if isQuery(r) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		return Request{Op: form.Get("Action"), Form: form}
	}
	if service, _ := signingScope(r); service != "" && service != "s3" {
		// REST-JSON services (GuardDuty, Lambda, EFS, Security Hub, …):
		// name the operation by method and path.
		return Request{Op: r.Method + " " + r.URL.Path}
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if strings.HasPrefix(path, "moto-api/") {
		return Request{Op: "MotoAPI"}
	}
	if strings.HasPrefix(path, s3ControlPrefix) {
		// S3 Control (account-level settings): named after the IAM action,
		// since its operation names repeat S3's (GetPublicAccessBlock).
		if strings.HasSuffix(path, "/configuration/publicAccessBlock") {
			return Request{Op: methodVerb(r.Method) + "AccountPublicAccessBlock"}
		}
		return Request{Op: "S3Control " + r.Method + " " + r.URL.Path}
	}
	q := r.URL.Query()
	bucket, key, _ := strings.Cut(path, "/")
	req := Request{Bucket: bucket, Key: key, Query: q}
	has := func(p string) bool { _, ok := q[p]; return ok }
	switch {
	case bucket == "":
		req.Op = "ListBuckets"
	case key == "":
		switch r.Method {
		case http.MethodGet:
			switch {
			case q.Get("list-type") == "2":
				req.Op = "ListObjectsV2"
			case has("location"):
				req.Op = "GetBucketLocation"
			default:
				req.Op = "ListObjects"
				if sub := bucketSubresource(q); sub != "" {
					req.Op = "Get" + sub
				}
			}
		case http.MethodPut:
			req.Op = "CreateBucket"
			if sub := bucketSubresource(q); sub != "" {
				req.Op = "Put" + sub
			}
		case http.MethodHead:
			req.Op = "HeadBucket"
		case http.MethodDelete:
			req.Op = "DeleteBucket"
		case http.MethodPost:
			req.Op = "DeleteObjects"
		}
	default:
		switch r.Method {
		case http.MethodGet:
			req.Op = "GetObject"
		case http.MethodPut:
			req.Op = "PutObject"
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				req.Op = "CopyObject"
			}
		case http.MethodHead:
			req.Op = "HeadObject"
		case http.MethodDelete:
			req.Op = "DeleteObject"
		default:
			req.Op = r.Method + "Object"
		}
	}
	return req
}
