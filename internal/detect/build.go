package detect

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// key is what identifies a finding: GuardDuty's detector (account and
// region), the finding type and its parameter set (resource and actor).
type key struct {
	account, region, resource, actor string
	id                               string
}

func newKey(d *Detection, account, region, resource, actor string) key {
	k := key{account: strings.Clone(account), region: strings.Clone(region), resource: resource, actor: actor}
	h := sha256.Sum256([]byte(d.Type + "\x00" + account + "\x00" + region + "\x00" + resource + "\x00" + actor))
	k.id = hex.EncodeToString(h[:16])
	return k
}

// keyOf returns the finding key of a hit.
func keyOf(d *Detection, h *Hit) key {
	if e := h.Event; e != nil {
		u := &e.UserIdentity
		account := firstOf(e.RecipientAccountID, h.Partition.Account, u.AccountID)
		resource := firstOf(h.Resource, u.AccessKeyID, u.ARN, u.PrincipalID)
		return newKey(d, account, firstOf(e.AWSRegion, h.Partition.Region), resource, h.Actor)
	}
	r := h.Flow
	account := firstOf(r.Str[vigil.FlowAccountID], h.Partition.Account)
	resource := firstOf(h.Resource, r.Str[vigil.FlowInstanceID], r.Str[vigil.FlowInterfaceID])
	return newKey(d, account, h.Partition.Region, resource, h.Actor)
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// refOf returns the record a hit is about.
func refOf(h *Hit) Ref {
	if e := h.Event; e != nil {
		id := e.EventID
		if id == "" { // never seen in real logs; keep such events distinct anyway
			id = "request:" + e.RequestID + "@" + e.EventTime
		}
		// Clones: records may be slices of larger buffers (the lake scanner
		// decodes whole pages) that a finding should not keep alive.
		return Ref{ID: strings.Clone(id), Time: normTime(e.EventTime), Date: h.Partition.Date}
	}
	r := h.Flow
	t := ""
	if r.Has(vigil.FlowStart) {
		t = vigil.FindingTime(time.Unix(r.Int[vigil.FlowStart], 0))
	}
	return Ref{ID: FlowKey(r), Time: t, Date: h.Partition.Date}
}

// normTime converts a CloudTrail eventTime to vigil.FindingTimeLayout.
func normTime(s string) string {
	if len(s) == 20 && s[19] == 'Z' && s[10] == 'T' { // CloudTrail's own layout
		return s[:19] + ".000Z"
	}
	s = strings.Clone(s)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return vigil.FindingTime(t)
}

// FlowKey identifies a flow-log record: interface, addresses, ports,
// protocol and start, '|'-separated ("" for a missing field). The
// evidence SQL of flow-log findings selects records by these keys.
func FlowKey(r *vigil.FlowRecord) string {
	var b strings.Builder
	for i, f := range flowKeyFields {
		if i > 0 {
			b.WriteByte('|')
		}
		if !r.Has(f) {
			continue
		}
		if vigil.FlowNumeric(f) {
			b.WriteString(strconv.FormatInt(r.Int[f], 10))
		} else {
			b.WriteString(r.Str[f])
		}
	}
	return b.String()
}

var flowKeyFields = []vigil.FlowField{vigil.FlowInterfaceID, vigil.FlowSrcAddr, vigil.FlowSrcPort, vigil.FlowDstAddr, vigil.FlowDstPort, vigil.FlowProtocol, vigil.FlowStart}

// newFinding creates the finding of a first hit.
func (en *Engine) newFinding(d *Detection, h *Hit, k key, now string) *vigil.Finding {
	part := partitionOf(h, k.region)
	detector := detectorID(k.account, k.region)
	f := &vigil.Finding{
		SchemaVersion: vigil.FindingSchemaVersion,
		AccountID:     k.account,
		Region:        k.region,
		Partition:     part,
		ID:            k.id,
		ARN:           fmt.Sprintf("arn:%s:vigil:%s:%s:detector/%s/finding/%s", part, k.region, k.account, detector, k.id),
		Type:          d.Type,
		Severity:      hitSeverity(d, h),
		CreatedAt:     now,
		UpdatedAt:     now,
		Service: vigil.FindingService{
			ServiceName:  "vigil",
			DetectorID:   detector,
			ResourceRole: "TARGET",
		},
	}
	en.setSample(f, d, h)
	return f
}

func hitSeverity(d *Detection, h *Hit) vigil.Severity {
	if h.Severity.Valid() {
		return h.Severity
	}
	return d.Severity
}

// detectorID stands for GuardDuty's per-account, per-region detector.
func detectorID(account, region string) string {
	h := sha256.Sum256([]byte("vigil-detector\x00" + account + "\x00" + region))
	return hex.EncodeToString(h[:16])
}

// partitionOf returns the AWS partition: from the caller's ARN, else from
// the region's name.
func partitionOf(h *Hit, region string) string {
	if e := h.Event; e != nil {
		if p, ok := strings.CutPrefix(e.UserIdentity.ARN, "arn:"); ok {
			if i := strings.IndexByte(p, ':'); i > 0 {
				return strings.Clone(p[:i])
			}
		}
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// setSample fills the parts of a finding that describe its latest
// occurrence: title, description, resource, action and context.
func (en *Engine) setSample(f *vigil.Finding, d *Detection, h *Hit) {
	f.Title = firstOf(h.Title, d.Title)
	f.Description = h.Description
	info := map[string]string{"detectionId": d.ID}
	if h.Resource != "" {
		info["resource"] = h.Resource
	}
	for k, v := range h.Info {
		info[k] = v
	}
	f.Service.Evidence = nil
	if h.ThreatList != "" {
		info["threatListName"] = h.ThreatList
		t := vigil.ThreatIntelligenceDetail{ThreatListName: h.ThreatList}
		if h.ThreatName != "" {
			t.ThreatNames = []string{h.ThreatName}
		}
		f.Service.Evidence = &vigil.ThreatEvidence{ThreatIntelligenceDetails: []vigil.ThreatIntelligenceDetail{t}}
	}
	b, _ := json.Marshal(info) // map[string]string always marshals; keys sorted
	f.Service.AdditionalInfo = &vigil.AdditionalInfo{Value: string(b), Type: "default"}
	if h.Event != nil {
		en.setEventSample(f, d, h)
	} else {
		en.setFlowSample(f, d, h)
	}
}

func (en *Engine) setEventSample(f *vigil.Finding, d *Detection, h *Hit) {
	e := cloneStrings(h.Event)
	u := &e.UserIdentity
	f.Service.FeatureName = "CloudTrail"
	ak := &vigil.AccessKeyDetails{AccessKeyID: u.AccessKeyID, PrincipalID: u.PrincipalID, UserName: UserName(e), UserType: u.Type}
	f.Resource = vigil.FindingResource{ResourceType: vigil.ResourceAccessKey, AccessKeyDetails: ak}
	if len(h.Buckets) > 0 {
		f.Resource.ResourceType = vigil.ResourceS3Bucket
		for _, b := range h.Buckets {
			f.Resource.S3BucketDetails = append(f.Resource.S3BucketDetails, vigil.S3BucketDetail{ARN: "arn:" + f.Partition + ":s3:::" + b, Name: b, Type: "Destination"})
		}
	}
	call := &vigil.AWSAPICallAction{API: e.EventName, ServiceName: e.EventSource, ErrorCode: e.ErrorCode, UserAgent: e.UserAgent}
	if a, ok := SourceAddr(e); ok {
		call.CallerType = "Remote IP"
		call.RemoteIPDetails = en.remoteIP(a)
	} else if e.SourceIPAddress != "" {
		call.CallerType = "Domain"
		call.DomainDetails = &vigil.DomainDetails{Domain: e.SourceIPAddress}
	}
	if u.AccountID != "" && u.AccountID != f.AccountID {
		call.RemoteAccountDetails = &vigil.RemoteAccountDetails{AccountID: u.AccountID, Affiliated: en.ctx.Internal(u.AccountID)}
	}
	for _, r := range e.Resources {
		if r.Type == "" || r.ARN == "" {
			continue
		}
		if call.AffectedResources == nil {
			call.AffectedResources = map[string]string{}
		}
		if _, ok := call.AffectedResources[r.Type]; !ok {
			call.AffectedResources[r.Type] = r.ARN
		}
	}
	f.Service.Action = vigil.Action{ActionType: vigil.ActionAWSAPICall, AWSAPICallAction: call}
	f.Evidence.Principal = PrincipalARN(e)
	if f.Description == "" {
		f.Description = fmt.Sprintf("%s: %s called %s (%s) from %s.", firstOf(h.Title, d.Title), firstOf(f.Evidence.Principal, "an unknown principal"), e.EventName, e.EventSource, firstOf(e.SourceIPAddress, "an unknown address"))
	}
}

func (en *Engine) setFlowSample(f *vigil.Finding, d *Detection, h *Hit) {
	r := h.Flow
	f.Service.FeatureName = "FlowLogs"
	local, remote, dir := vigil.FlowSrcAddr, vigil.FlowDstAddr, "OUTBOUND"
	if inbound(r) {
		local, remote, dir = vigil.FlowDstAddr, vigil.FlowSrcAddr, "INBOUND"
	}
	ni := vigil.NetworkInterface{NetworkInterfaceID: r.Str[vigil.FlowInterfaceID], PrivateIPAddress: r.Str[local], SubnetID: r.Str[vigil.FlowSubnetID], VPCID: r.Str[vigil.FlowVPCID]}
	f.Resource = vigil.FindingResource{ResourceType: vigil.ResourceInstance, InstanceDetails: &vigil.InstanceDetails{
		InstanceID: r.Str[vigil.FlowInstanceID], NetworkInterfaces: []vigil.NetworkInterface{ni},
	}}
	conn := en.connection(r)
	if h.Probe {
		probes := f.Service.Action.PortProbeAction
		f.Service.Action = vigil.Action{ActionType: vigil.ActionPortProbe, PortProbeAction: addProbe(probes, conn)}
	} else {
		f.Service.Action = vigil.Action{ActionType: vigil.ActionNetworkConnection, NetworkConnectionAction: conn}
	}
	if dir == "OUTBOUND" {
		f.Service.ResourceRole = "ACTOR"
	} else {
		f.Service.ResourceRole = "TARGET"
	}
	if f.Description == "" {
		f.Description = fmt.Sprintf("%s: %s %s connection between %s and %s.", firstOf(h.Title, d.Title), strings.ToLower(dir), conn.Protocol, firstOf(r.Str[vigil.FlowInstanceID], r.Str[vigil.FlowInterfaceID]), r.Str[remote])
	}
}

// connection describes a flow-log record as GuardDuty's
// networkConnectionAction, seen from the interface that logged it.
func (en *Engine) connection(r *vigil.FlowRecord) *vigil.NetworkConnectionAction {
	local, remote, dir := vigil.FlowSrcAddr, vigil.FlowDstAddr, "OUTBOUND"
	localPort, remotePort := vigil.FlowSrcPort, vigil.FlowDstPort
	if inbound(r) {
		local, remote, dir = vigil.FlowDstAddr, vigil.FlowSrcAddr, "INBOUND"
		localPort, remotePort = vigil.FlowDstPort, vigil.FlowSrcPort
	}
	conn := &vigil.NetworkConnectionAction{
		ConnectionDirection: dir,
		Protocol:            protocolName(r),
		Blocked:             r.Str[vigil.FlowAction] == "REJECT",
		LocalIPDetails:      &vigil.LocalIPDetails{IPAddressV4: strings.Clone(r.Str[local])},
	}
	if a, err := netip.ParseAddr(r.Str[remote]); err == nil {
		conn.RemoteIPDetails = en.remoteIP(a)
	}
	if r.Has(localPort) {
		conn.LocalPortDetails = &vigil.PortDetails{Port: int(r.Int[localPort]), PortName: portName(r.Int[localPort])}
	}
	if r.Has(remotePort) {
		conn.RemotePortDetails = &vigil.PortDetails{Port: int(r.Int[remotePort]), PortName: portName(r.Int[remotePort])}
	}
	return conn
}

// maxProbeDetails bounds a port-probe finding's list of probes.
const maxProbeDetails = 20

// addProbe adds the probe conn shows to a portProbeAction (nil: a new
// one): one entry per remote address and local port, sorted by address
// then port, at most maxProbeDetails (the lowest addresses, so that the
// list does not depend on the order records came in). The action is
// blocked only when every probe listed was.
func addProbe(a *vigil.PortProbeAction, conn *vigil.NetworkConnectionAction) *vigil.PortProbeAction {
	if a == nil {
		a = &vigil.PortProbeAction{Blocked: true}
	}
	det := vigil.PortProbeDetails{LocalPortDetails: conn.LocalPortDetails, LocalIPDetails: conn.LocalIPDetails, RemoteIPDetails: conn.RemoteIPDetails}
	less := func(x, y *vigil.PortProbeDetails) int {
		return cmp.Or(netip.MustParseAddr(firstOf(probeAddr(x), "::")).Compare(netip.MustParseAddr(firstOf(probeAddr(y), "::"))),
			cmp.Compare(probePort(x), probePort(y)))
	}
	i, found := slices.BinarySearchFunc(a.PortProbeDetails, det, func(x, y vigil.PortProbeDetails) int { return less(&x, &y) })
	if found {
		return a
	}
	if i >= maxProbeDetails {
		return a
	}
	a.PortProbeDetails = slices.Insert(a.PortProbeDetails, i, det)
	if len(a.PortProbeDetails) > maxProbeDetails {
		a.PortProbeDetails = a.PortProbeDetails[:maxProbeDetails]
	}
	a.Blocked = a.Blocked && conn.Blocked
	return a
}

func probeAddr(d *vigil.PortProbeDetails) string {
	if d.RemoteIPDetails == nil {
		return ""
	}
	return firstOf(d.RemoteIPDetails.IPAddressV4, d.RemoteIPDetails.IPAddressV6)
}

func probePort(d *vigil.PortProbeDetails) int {
	if d.LocalPortDetails == nil {
		return -1
	}
	return d.LocalPortDetails.Port
}

// inbound reports whether the record is traffic towards the interface:
// the flow-direction field says so (v5), else the source is the public side.
func inbound(r *vigil.FlowRecord) bool {
	if r.Has(vigil.FlowFlowDirection) {
		return r.Str[vigil.FlowFlowDirection] == "ingress"
	}
	src, err1 := netip.ParseAddr(r.Str[vigil.FlowSrcAddr])
	dst, err2 := netip.ParseAddr(r.Str[vigil.FlowDstAddr])
	if err1 != nil || err2 != nil {
		return false
	}
	return !src.IsPrivate() && dst.IsPrivate()
}

func protocolName(r *vigil.FlowRecord) string {
	if !r.Has(vigil.FlowProtocol) {
		return "UNKNOWN"
	}
	switch r.Int[vigil.FlowProtocol] {
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 1:
		return "ICMP"
	}
	return strconv.FormatInt(r.Int[vigil.FlowProtocol], 10)
}

var portNames = map[int64]string{22: "SSH", 25: "SMTP", 53: "DNS", 80: "HTTP", 443: "HTTPS", 3306: "MYSQL", 3389: "RDP", 5432: "POSTGRESQL", 9200: "ELASTICSEARCH"}

func portName(p int64) string {
	if n, ok := portNames[p]; ok {
		return n
	}
	return "Unknown"
}

// remoteIP describes a remote address with what the geo database knows.
func (en *Engine) remoteIP(a netip.Addr) *vigil.RemoteIPDetails {
	d := &vigil.RemoteIPDetails{}
	if a.Is4() {
		d.IPAddressV4 = a.String()
	} else {
		d.IPAddressV6 = a.String()
	}
	if en.ctx.Geo == nil {
		return d
	}
	loc, ok := en.ctx.Geo.Lookup(a)
	if !ok {
		return d
	}
	if loc.ASN != 0 || loc.ASNOrg != "" || loc.ISP != "" || loc.Org != "" {
		d.Organization = &vigil.Organization{ASN: loc.ASNString(), ASNOrg: loc.ASNOrg, ISP: loc.ISP, Org: loc.Org}
	}
	if loc.CountryCode != "" || loc.CountryName != "" {
		d.Country = &vigil.Country{CountryCode: loc.CountryCode, CountryName: loc.CountryName}
	}
	if loc.City != "" {
		d.City = &vigil.City{CityName: loc.City}
	}
	if loc.HasCoords {
		d.GeoLocation = &vigil.GeoLocation{Lat: loc.Lat, Lon: loc.Lon}
	}
	return d
}

// UserName returns the name GuardDuty shows for the caller: the user's
// name, the role's for role sessions, "Root" for the root user.
func UserName(e *vigil.Event) string {
	u := &e.UserIdentity
	switch {
	case u.UserName != "":
		return u.UserName
	case u.SessionContext != nil && u.SessionContext.SessionIssuer != nil && u.SessionContext.SessionIssuer.UserName != "":
		return u.SessionContext.SessionIssuer.UserName
	case u.Type == "Root":
		return "Root"
	}
	return ""
}

// PrincipalARN returns the caller's ARN (the root user's when the record
// omits it).
func PrincipalARN(e *vigil.Event) string {
	u := &e.UserIdentity
	if u.ARN != "" {
		return u.ARN
	}
	if u.Type == "Root" && u.AccountID != "" {
		return "arn:aws:iam::" + u.AccountID + ":root"
	}
	return u.PrincipalID
}

// evidenceSQL returns the query selecting a finding's kept records.
func evidenceSQL(source string, c *counter) string {
	lo, hi := c.dates()
	var b strings.Builder
	if source == SourceFlowLogs {
		b.WriteString("select * from auditing.flowlogs where ")
		if lo != "" {
			fmt.Fprintf(&b, "date between %s and %s and ", sqlQuote(lo), sqlQuote(hi))
		}
		b.WriteString("(")
		for i, r := range c.kept {
			if i > 0 {
				b.WriteString(" or ")
			}
			b.WriteString(flowPredicate(r.ID))
		}
		b.WriteString(") order by start, interface_id, srcaddr, srcport")
		return b.String()
	}
	b.WriteString("select * from auditing.cloudtrail where ")
	if lo != "" {
		fmt.Fprintf(&b, "date between %s and %s and ", sqlQuote(lo), sqlQuote(hi))
	}
	b.WriteString("eventid in (")
	for i, r := range c.kept {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sqlQuote(r.ID))
	}
	b.WriteString(") order by eventtime, eventid")
	return b.String()
}

var flowKeyColumns = []string{"interface_id", "srcaddr", "srcport", "dstaddr", "dstport", "protocol", "start"}

// flowPredicate turns a FlowKey into a SQL condition.
func flowPredicate(k string) string {
	vals := strings.Split(k, "|")
	var parts []string
	for i, col := range flowKeyColumns {
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		switch {
		case v == "":
			parts = append(parts, col+" is null")
		case vigil.FlowNumeric(flowKeyFields[i]):
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				parts = append(parts, "false")
				continue
			}
			parts = append(parts, col+" = "+v)
		default:
			parts = append(parts, col+" = "+sqlQuote(v))
		}
	}
	return "(" + strings.Join(parts, " and ") + ")"
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// cloneStrings returns a copy of the fields of e a finding keeps, with
// strings of their own: events may be slices of larger buffers (the lake
// scanner decodes whole pages) that a finding should not keep alive.
func cloneStrings(e *vigil.Event) *vigil.Event {
	c := &vigil.Event{
		EventName: strings.Clone(e.EventName), EventSource: strings.Clone(e.EventSource), ErrorCode: strings.Clone(e.ErrorCode),
		UserAgent: strings.Clone(e.UserAgent), SourceIPAddress: strings.Clone(e.SourceIPAddress),
		EventTime: e.EventTime, RecipientAccountID: e.RecipientAccountID, AWSRegion: e.AWSRegion,
	}
	u := &e.UserIdentity
	c.UserIdentity = vigil.UserIdentity{
		Type: strings.Clone(u.Type), PrincipalID: strings.Clone(u.PrincipalID), ARN: strings.Clone(u.ARN),
		AccountID: strings.Clone(u.AccountID), AccessKeyID: strings.Clone(u.AccessKeyID), UserName: strings.Clone(u.UserName),
	}
	if sc := u.SessionContext; sc != nil && sc.SessionIssuer != nil {
		c.UserIdentity.SessionContext = &vigil.SessionContext{SessionIssuer: &vigil.SessionIssuer{UserName: strings.Clone(sc.SessionIssuer.UserName)}}
	}
	for _, r := range e.Resources {
		c.Resources = append(c.Resources, vigil.Resource{Type: strings.Clone(r.Type), ARN: strings.Clone(r.ARN)})
	}
	return c
}
