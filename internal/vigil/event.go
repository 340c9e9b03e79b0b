package vigil

// Event is one CloudTrail record, decoded. Field names follow CloudTrail's
// record contents; see
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html.
//
// String fields hold "" when the key was missing or null. Nested JSON values
// whose shape varies per API (RequestParameters, ResponseElements,
// AdditionalEventData, ServiceEventDetails, EdgeDeviceDetails) are kept as
// their raw JSON text, exactly as Athena's table keeps them. Keys Vigil does
// not model are kept in Extra as a JSON object, never dropped: top-level keys
// under their own name, nested ones under their dotted path
// ("userIdentity.credentialId").
type Event struct {
	EventVersion                 string
	UserIdentity                 UserIdentity
	EventTime                    string
	EventSource                  string
	EventName                    string
	AWSRegion                    string
	SourceIPAddress              string
	UserAgent                    string
	ErrorCode                    string
	ErrorMessage                 string
	RequestParameters            string // raw JSON
	ResponseElements             string // raw JSON
	AdditionalEventData          string // raw JSON
	RequestID                    string
	EventID                      string
	ReadOnly                     string // "true", "false" or ""
	Resources                    []Resource
	EventType                    string
	APIVersion                   string
	ManagementEvent              string // "true", "false" or ""
	RecipientAccountID           string
	ServiceEventDetails          string // raw JSON
	SharedEventID                string
	VPCEndpointID                string
	VPCEndpointAccountID         string
	EventCategory                string
	Addendum                     *Addendum
	SessionCredentialFromConsole string
	EdgeDeviceDetails            string // raw JSON
	TLSDetails                   *TLSDetails
	InsightDetails               string // raw JSON
	Extra                        string // raw JSON object of keys not modelled above
}

// UserIdentity is the userIdentity element of a record.
type UserIdentity struct {
	Type           string
	PrincipalID    string
	ARN            string
	AccountID      string
	InvokedBy      string
	AccessKeyID    string
	UserName       string
	IdentityStore  string // onBehalfOf.identityStoreArn
	OnBehalfOfUser string // onBehalfOf.userId
	SessionContext *SessionContext
}

// SessionContext is userIdentity.sessionContext.
type SessionContext struct {
	MFAAuthenticated    string
	CreationDate        string
	SessionIssuer       *SessionIssuer
	EC2RoleDelivery     string
	SourceIdentity      string
	WebIDFederationData *WebIDFederationData
}

// SessionIssuer is userIdentity.sessionContext.sessionIssuer.
type SessionIssuer struct {
	Type        string
	PrincipalID string
	ARN         string
	AccountID   string
	UserName    string
}

// WebIDFederationData is userIdentity.sessionContext.webIdFederationData.
type WebIDFederationData struct {
	FederatedProvider string
	Attributes        map[string]string
}

// Resource is one element of a record's resources list.
type Resource struct {
	ARN       string
	AccountID string
	Type      string
}

// Addendum is present when CloudTrail delivered a record late or changed it.
type Addendum struct {
	Reason            string
	UpdatedFields     string
	OriginalRequestID string
	OriginalEventID   string
}

// TLSDetails is the tlsDetails element of a record.
type TLSDetails struct {
	TLSVersion               string
	CipherSuite              string
	ClientProvidedHostHeader string
}

// Partition names the lake partition a record belongs to: the Hive partition
// values account=, region= and date= (YYYY-MM-DD).
type Partition struct {
	Account string
	Region  string
	Date    string
}

// Valid reports whether every partition value is set and safe to use as a
// path element.
func (p Partition) Valid() bool {
	return safeValue(p.Account) && safeValue(p.Region) && len(p.Date) == 10 && safeValue(p.Date)
}

func safeValue(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// IsAccountID reports whether s is an AWS account id: twelve digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsOrgID reports whether s is an AWS Organizations id (o- and 10 to 32
// lower-case letters or digits), as organization trails name a folder.
func IsOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || s[:2] != "o-" {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
