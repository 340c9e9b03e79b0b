package synth

// resource is one element of a record's resources list. ARN is ARN+Suffix,
// split so that object ARNs need no string concatenation.
type resource struct {
	ARN, Suffix, AccountID, Type string
}

// Tri-state booleans: omit the key, false or true.
const (
	triOmit int8 = iota
	triFalse
	triTrue
)

func tri(v bool) int8 {
	if v {
		return triTrue
	}
	return triFalse
}

// Request id styles.
const (
	reqUUID int8 = iota
	reqS3        // 16 upper-case alnum, as S3 and some older services use
	reqNone
)

// rec is the record being built. Actions fill it; writeRecord serialises it
// in CloudTrail's key order. JSON-valued parts live in the generator's
// scratch writers (req, resp, add, svc, ins) and are flagged here.
type rec struct {
	version    string
	p          *principal // nil: no userIdentity key (Insight events)
	invokedBy  string
	sec        int // second of the day
	source     string
	name       string
	ip, agent  string
	errCode    string
	errMsg     string
	req, resp  bool // requestParameters / responseElements are set (else null)
	noReqResp  bool // omit both keys (Insight events)
	add        bool // additionalEventData
	svc        bool // serviceEventDetails
	ins        bool // insightDetails
	reqID      int8
	readOnly   int8
	resources  []resource
	eventType  string
	apiVersion string
	mgmt       int8
	shared     bool // sharedEventID: sharedID, or random when sharedID is ""
	sharedID   string
	vpce       string
	vpceAcct   string
	category   string
	tlsHost    string
	tls12      bool
	console    bool    // sessionCredentialFromConsole
	id         *string // receives the eventID written (labelled scenarios)
}

// writeRecord appends g.e as one JSON object to w.
func (g *gen) writeRecord(w *jw) {
	e := &g.e
	w.Open()
	w.KS("eventVersion", e.version)
	if e.p != nil {
		writeIdentity(w, e.p, g.creation(e.sec), e.invokedBy)
	}
	w.Key("eventTime")
	w.b = append(w.b, '"')
	w.b = append(w.b, g.datePrefix...)
	w.b = appendClock(w.b, e.sec)
	w.b = append(w.b, 'Z', '"')
	w.c = true
	if e.source != "" {
		w.KS("eventSource", e.source)
		w.KS("eventName", e.name)
	}
	w.KS("awsRegion", g.region)
	if e.ip != "" {
		w.KS("sourceIPAddress", e.ip)
		w.KS("userAgent", e.agent)
	}
	if e.errCode != "" {
		w.KS("errorCode", e.errCode)
	}
	if e.errMsg != "" {
		w.KS("errorMessage", e.errMsg)
	}
	if !e.noReqResp {
		w.Key("requestParameters")
		if e.req {
			w.Raw(g.req.b)
		} else {
			w.Null()
		}
		w.Key("responseElements")
		if e.resp && e.errCode == "" {
			w.Raw(g.resp.b)
		} else {
			w.Null()
		}
	}
	if e.add {
		w.Key("additionalEventData")
		w.Raw(g.add.b)
	}
	switch e.reqID {
	case reqUUID:
		w.Key("requestID")
		w.b = append(w.b, '"')
		w.b = appendUUID(w.b, g.r)
		w.b = append(w.b, '"')
		w.c = true
	case reqS3:
		w.Key("requestID")
		w.b = append(w.b, '"')
		w.b = appendRandChars(w.b, g.r, alnumUpper, 16)
		w.b = append(w.b, '"')
		w.c = true
	}
	w.Key("eventID")
	w.b = append(w.b, '"')
	idStart := len(w.b)
	w.b = appendUUID(w.b, g.r)
	if e.id != nil {
		*e.id = string(w.b[idStart:])
	}
	w.b = append(w.b, '"')
	w.c = true
	if e.readOnly != triOmit {
		w.KB("readOnly", e.readOnly == triTrue)
	}
	if len(e.resources) > 0 {
		w.KA("resources")
		for _, r := range e.resources {
			w.Open()
			w.Key("ARN")
			if r.Suffix == "" {
				w.Str(r.ARN)
			} else {
				w.b = append(w.b, '"')
				w.b = appendEsc(w.b, r.ARN)
				w.b = appendEsc(w.b, r.Suffix)
				w.b = append(w.b, '"')
				w.c = true
			}
			if r.AccountID != "" {
				w.KS("accountId", r.AccountID)
			}
			w.KS("type", r.Type)
			w.Close()
		}
		w.EndArr()
	}
	w.KS("eventType", e.eventType)
	if e.apiVersion != "" {
		w.KS("apiVersion", e.apiVersion)
	}
	if e.mgmt != triOmit {
		w.KB("managementEvent", e.mgmt == triTrue)
	}
	w.KS("recipientAccountId", g.acct.id)
	if e.shared && e.sharedID != "" {
		w.KS("sharedEventID", e.sharedID)
	} else if e.shared {
		w.Key("sharedEventID")
		w.b = append(w.b, '"')
		w.b = appendUUID(w.b, g.r)
		w.b = append(w.b, '"')
		w.c = true
	}
	if e.vpce != "" {
		w.KS("vpcEndpointId", e.vpce)
		if e.vpceAcct != "" {
			w.KS("vpcEndpointAccountId", e.vpceAcct)
		}
	}
	if e.svc {
		w.Key("serviceEventDetails")
		w.Raw(g.svc.b)
	}
	if e.ins {
		w.Key("insightDetails")
		w.Raw(g.ins.b)
	}
	w.KS("eventCategory", e.category)
	if e.tlsHost != "" {
		w.KO("tlsDetails")
		if e.tls12 {
			w.KS("tlsVersion", "TLSv1.2")
			w.KS("cipherSuite", "ECDHE-RSA-AES128-GCM-SHA256")
		} else {
			w.KS("tlsVersion", "TLSv1.3")
			w.KS("cipherSuite", "TLS_AES_128_GCM_SHA256")
		}
		w.KS("clientProvidedHostHeader", e.tlsHost)
		w.Close()
	}
	if e.console {
		w.KS("sessionCredentialFromConsole", "true")
	}
	w.Close()
}
