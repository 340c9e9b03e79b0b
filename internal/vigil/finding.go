package vigil

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Severity is a finding's severity on GuardDuty's numeric scale: Low 1.0–3.9,
// Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. See
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html.
type Severity float64

// The usual severity of each band, as GuardDuty uses them.
const (
	SeverityLow      Severity = 2
	SeverityMedium   Severity = 5
	SeverityHigh     Severity = 8
	SeverityCritical Severity = 9
)

// Valid reports whether s lies on the 1.0–10.0 scale.
func (s Severity) Valid() bool { return s >= 1 && s <= 10 }

// Label returns the band's name: "Low", "Medium", "High" or "Critical"
// ("" for an invalid severity).
func (s Severity) Label() string {
	switch {
	case !s.Valid():
		return ""
	case s < 4:
		return "Low"
	case s < 7:
		return "Medium"
	case s < 9:
		return "High"
	}
	return "Critical"
}

// ParseSeverity reads a band name (low, medium, high, critical; any case),
// meaning the lowest severity of the band, or a number on the 1–10 scale.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return 1, nil
	case "medium":
		return 4, nil
	case "high":
		return 7, nil
	case "critical":
		return 9, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !Severity(f).Valid() {
		return 0, fmt.Errorf("severity %q: want low, medium, high, critical or a number from 1 to 10", s)
	}
	return Severity(f), nil
}

// FindingSchemaVersion is the GuardDuty finding schema Vigil's findings follow.
const FindingSchemaVersion = "2.0"

// FindingTimeLayout is the layout of every time in a finding: ISO-8601 in
// UTC with milliseconds, as GuardDuty writes them. Times in this layout sort
// as strings.
const FindingTimeLayout = "2006-01-02T15:04:05.000Z"

// FindingTime formats t for a finding.
func FindingTime(t time.Time) string { return t.UTC().Format(FindingTimeLayout) }

// Finding is one threat finding, in the JSON shape of a GuardDuty finding
// (the camelCase form of EventBridge events and the S3 export; see
// https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html),
// plus Vigil's Evidence. A finding stands for one finding type and parameter
// set (type, resource, actor): repeats aggregate into it, incrementing
// Service.Count and moving Service.EventLastSeen and UpdatedAt.
type Finding struct {
	SchemaVersion string          `json:"schemaVersion"`
	AccountID     string          `json:"accountId"`
	Region        string          `json:"region"`
	Partition     string          `json:"partition"`
	ID            string          `json:"id"`
	ARN           string          `json:"arn"`
	Type          string          `json:"type"`
	Severity      Severity        `json:"severity"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
	Resource      FindingResource `json:"resource"`
	Service       FindingService  `json:"service"`
	// Evidence is Vigil's: the records that triggered the finding and a
	// query that shows them. GuardDuty has no equivalent.
	Evidence Evidence `json:"evidence"`
}

// FindingResource is the resource a finding is about.
type FindingResource struct {
	// ResourceType is AccessKey, Instance or S3Bucket.
	ResourceType     string            `json:"resourceType"`
	AccessKeyDetails *AccessKeyDetails `json:"accessKeyDetails,omitempty"`
	InstanceDetails  *InstanceDetails  `json:"instanceDetails,omitempty"`
	S3BucketDetails  []S3BucketDetail  `json:"s3BucketDetails,omitempty"`
}

// Resource types of findings.
const (
	ResourceAccessKey = "AccessKey"
	ResourceInstance  = "Instance"
	ResourceS3Bucket  = "S3Bucket"
)

// AccessKeyDetails names the credentials (and their principal) involved.
type AccessKeyDetails struct {
	AccessKeyID string `json:"accessKeyId,omitempty"`
	PrincipalID string `json:"principalId,omitempty"`
	UserName    string `json:"userName,omitempty"`
	// UserType is the userIdentity type: Root, IAMUser, AssumedRole, ...
	UserType string `json:"userType,omitempty"`
}

// InstanceDetails describes an EC2 instance (flow-log findings).
type InstanceDetails struct {
	InstanceID        string             `json:"instanceId,omitempty"`
	InstanceType      string             `json:"instanceType,omitempty"`
	ImageID           string             `json:"imageId,omitempty"`
	AvailabilityZone  string             `json:"availabilityZone,omitempty"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces,omitempty"`
	Tags              []Tag              `json:"tags,omitempty"`
}

// NetworkInterface is one interface of an instance.
type NetworkInterface struct {
	NetworkInterfaceID string `json:"networkInterfaceId,omitempty"`
	PrivateIPAddress   string `json:"privateIpAddress,omitempty"`
	PublicIP           string `json:"publicIp,omitempty"`
	SubnetID           string `json:"subnetId,omitempty"`
	VPCID              string `json:"vpcId,omitempty"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// S3BucketDetail describes a bucket a finding is about.
type S3BucketDetail struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// Type is "Destination" for the bucket acted upon, as in GuardDuty.
	Type         string              `json:"type"`
	PublicAccess *BucketPublicAccess `json:"publicAccess,omitempty"`
}

// BucketPublicAccess says how a bucket is exposed; EffectivePermission is
// PUBLIC or NOT_PUBLIC.
type BucketPublicAccess struct {
	EffectivePermission string `json:"effectivePermission"`
}

// FindingService is GuardDuty's service element: how the finding was
// detected and how often.
type FindingService struct {
	// ServiceName is "vigil".
	ServiceName string `json:"serviceName"`
	DetectorID  string `json:"detectorId"`
	// FeatureName is the data source: CloudTrail or FlowLogs.
	FeatureName    string          `json:"featureName,omitempty"`
	Action         Action          `json:"action"`
	Evidence       *ThreatEvidence `json:"evidence,omitempty"`
	ResourceRole   string          `json:"resourceRole"`
	AdditionalInfo *AdditionalInfo `json:"additionalInfo,omitempty"`
	Count          int64           `json:"count"`
	EventFirstSeen string          `json:"eventFirstSeen"`
	EventLastSeen  string          `json:"eventLastSeen"`
	Archived       bool            `json:"archived"`
}

// Action types.
const (
	ActionAWSAPICall        = "AWS_API_CALL"
	ActionNetworkConnection = "NETWORK_CONNECTION"
	ActionPortProbe         = "PORT_PROBE"
)

// Action is what was done; exactly one of the detail fields is set, as
// ActionType says.
type Action struct {
	ActionType              string                   `json:"actionType"`
	AWSAPICallAction        *AWSAPICallAction        `json:"awsApiCallAction,omitempty"`
	NetworkConnectionAction *NetworkConnectionAction `json:"networkConnectionAction,omitempty"`
	PortProbeAction         *PortProbeAction         `json:"portProbeAction,omitempty"`
}

// AWSAPICallAction is an API call (CloudTrail findings).
type AWSAPICallAction struct {
	API         string `json:"api"`
	ServiceName string `json:"serviceName"`
	// CallerType is "Remote IP", "Domain" or "AWS Service".
	CallerType           string                `json:"callerType"`
	RemoteIPDetails      *RemoteIPDetails      `json:"remoteIpDetails,omitempty"`
	RemoteAccountDetails *RemoteAccountDetails `json:"remoteAccountDetails,omitempty"`
	DomainDetails        *DomainDetails        `json:"domainDetails,omitempty"`
	ErrorCode            string                `json:"errorCode,omitempty"`
	UserAgent            string                `json:"userAgent,omitempty"`
	AffectedResources    map[string]string     `json:"affectedResources,omitempty"`
}

// RemoteIPDetails describes a remote address: where it is and who runs it.
type RemoteIPDetails struct {
	IPAddressV4  string        `json:"ipAddressV4,omitempty"`
	IPAddressV6  string        `json:"ipAddressV6,omitempty"`
	Organization *Organization `json:"organization,omitempty"`
	Country      *Country      `json:"country,omitempty"`
	City         *City         `json:"city,omitempty"`
	GeoLocation  *GeoLocation  `json:"geoLocation,omitempty"`
}

// Organization is the network an address belongs to.
type Organization struct {
	ASN    string `json:"asn,omitempty"`
	ASNOrg string `json:"asnOrg,omitempty"`
	ISP    string `json:"isp,omitempty"`
	Org    string `json:"org,omitempty"`
}

// Country is an address's country.
type Country struct {
	CountryCode string `json:"countryCode,omitempty"`
	CountryName string `json:"countryName,omitempty"`
}

// City is an address's city.
type City struct {
	CityName string `json:"cityName"`
}

// GeoLocation is an address's approximate position.
type GeoLocation struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// RemoteAccountDetails names the AWS account a call came from when it is
// not the resource's.
type RemoteAccountDetails struct {
	AccountID string `json:"accountId"`
	// Affiliated reports whether the account is one of the organization's.
	Affiliated bool `json:"affiliated"`
}

// DomainDetails names the domain a call came from (callerType "Domain").
type DomainDetails struct {
	Domain string `json:"domain"`
}

// NetworkConnectionAction is a network connection (flow-log findings).
type NetworkConnectionAction struct {
	// ConnectionDirection is INBOUND, OUTBOUND or UNKNOWN.
	ConnectionDirection string           `json:"connectionDirection"`
	Protocol            string           `json:"protocol"`
	Blocked             bool             `json:"blocked"`
	LocalIPDetails      *LocalIPDetails  `json:"localIpDetails,omitempty"`
	LocalPortDetails    *PortDetails     `json:"localPortDetails,omitempty"`
	RemoteIPDetails     *RemoteIPDetails `json:"remoteIpDetails,omitempty"`
	RemotePortDetails   *PortDetails     `json:"remotePortDetails,omitempty"`
}

// LocalIPDetails is the instance's address.
type LocalIPDetails struct {
	IPAddressV4 string `json:"ipAddressV4,omitempty"`
	IPAddressV6 string `json:"ipAddressV6,omitempty"`
}

// PortDetails is a port and its usual service name.
type PortDetails struct {
	Port     int    `json:"port"`
	PortName string `json:"portName,omitempty"`
}

// PortProbeAction lists the probes of unprotected ports.
type PortProbeAction struct {
	Blocked          bool               `json:"blocked"`
	PortProbeDetails []PortProbeDetails `json:"portProbeDetails"`
}

// PortProbeDetails is one probing source and port.
type PortProbeDetails struct {
	LocalPortDetails *PortDetails     `json:"localPortDetails,omitempty"`
	LocalIPDetails   *LocalIPDetails  `json:"localIpDetails,omitempty"`
	RemoteIPDetails  *RemoteIPDetails `json:"remoteIpDetails,omitempty"`
}

// ThreatEvidence is GuardDuty's service.evidence: the threat lists matched.
type ThreatEvidence struct {
	ThreatIntelligenceDetails []ThreatIntelligenceDetail `json:"threatIntelligenceDetails"`
}

// ThreatIntelligenceDetail names a threat list and its entries matched.
type ThreatIntelligenceDetail struct {
	ThreatListName string   `json:"threatListName"`
	ThreatNames    []string `json:"threatNames,omitempty"`
}

// AdditionalInfo carries extra context; Value is a JSON object as text, as
// in GuardDuty.
type AdditionalInfo struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// Evidence is what proves a finding: the records aggregated into it (a
// bounded sample when there are many; see Service.Count for the number) and
// a SQL query over the lake that returns exactly those records.
type Evidence struct {
	// EventIDs are CloudTrail eventIDs, oldest first.
	EventIDs []string `json:"eventIds,omitempty"`
	// FlowKeys identify flow-log records (see the detect package), oldest first.
	FlowKeys []string `json:"flowKeys,omitempty"`
	// SQL selects the records above from auditing.cloudtrail or auditing.flowlogs.
	SQL string `json:"sql"`
	// Principal is the ARN of the identity that acted (API findings), which
	// GuardDuty's accessKeyDetails does not carry.
	Principal string `json:"principal,omitempty"`
	// Sketch is the detection engine's aggregation state (which records
	// were counted). It is stored with the finding but is not part of its
	// JSON.
	Sketch []byte `json:"-"`
}

// SourceIP returns the remote address of the finding's action ("" if none).
func (f *Finding) SourceIP() string {
	if a := f.Service.Action.AWSAPICallAction; a != nil && a.RemoteIPDetails != nil {
		return a.RemoteIPDetails.address()
	}
	if a := f.Service.Action.NetworkConnectionAction; a != nil && a.RemoteIPDetails != nil {
		return a.RemoteIPDetails.address()
	}
	if a := f.Service.Action.PortProbeAction; a != nil && len(a.PortProbeDetails) > 0 && a.PortProbeDetails[0].RemoteIPDetails != nil {
		return a.PortProbeDetails[0].RemoteIPDetails.address()
	}
	return ""
}

func (r *RemoteIPDetails) address() string {
	if r.IPAddressV4 != "" {
		return r.IPAddressV4
	}
	return r.IPAddressV6
}
