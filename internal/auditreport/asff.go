package auditreport

import (
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// ASFF (AWS Security Finding Format) as Security Hub's BatchImportFindings
// takes it: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html.
// The file is a JSON array; BatchImportFindings takes at most 100 findings
// per call, so the importer sends it in chunks. The ProductArn names each
// finding's own account's default product: each account imports its own
// findings (or the administrator account, for its members).

// asffSchemaVersion is the only ASFF version.
const asffSchemaVersion = "2018-10-08"

// ASFF's size limits, in characters.
const (
	asffMaxTitle        = 256
	asffMaxDescription  = 1024
	asffMaxRemediation  = 512
	asffMaxID           = 512
	asffMaxRequirements = 32
	asffMaxTagKey       = 128
	asffMaxTagValue     = 256
	asffMaxField        = 2048
)

type asffFinding struct {
	SchemaVersion   string            `json:"SchemaVersion"`
	ID              string            `json:"Id"`
	ProductArn      string            `json:"ProductArn"`
	ProductName     string            `json:"ProductName"`
	CompanyName     string            `json:"CompanyName"`
	Region          string            `json:"Region"`
	GeneratorID     string            `json:"GeneratorId"`
	AwsAccountID    string            `json:"AwsAccountId"`
	AwsAccountName  string            `json:"AwsAccountName,omitempty"`
	Types           []string          `json:"Types"`
	FirstObservedAt string            `json:"FirstObservedAt"`
	LastObservedAt  string            `json:"LastObservedAt"`
	CreatedAt       string            `json:"CreatedAt"`
	UpdatedAt       string            `json:"UpdatedAt"`
	Severity        asffSeverity      `json:"Severity"`
	Title           string            `json:"Title"`
	Description     string            `json:"Description"`
	Remediation     *asffRemediation  `json:"Remediation,omitempty"`
	ProductFields   map[string]string `json:"ProductFields"`
	Resources       []asffResource    `json:"Resources"`
	Compliance      asffCompliance    `json:"Compliance"`
	Workflow        asffWorkflow      `json:"Workflow"`
	RecordState     string            `json:"RecordState"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

type asffRemediation struct {
	Recommendation asffRecommendation `json:"Recommendation"`
}

type asffRecommendation struct {
	Text string `json:"Text"`
}

type asffResource struct {
	Type      string            `json:"Type"`
	ID        string            `json:"Id"`
	Partition string            `json:"Partition"`
	Region    string            `json:"Region"`
	Tags      map[string]string `json:"Tags,omitempty"`
}

type asffCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

func (rep *report) writeASFF(w io.Writer) error {
	return writeArray(w, len(rep.rows), func(i int) any { return rep.asff(&rep.rows[i]) })
}

func (rep *report) asff(r *row) asffFinding {
	at := r.Time.Format(time.RFC3339)
	f := asffFinding{
		SchemaVersion:   asffSchemaVersion,
		ID:              clip(r.FindingID, asffMaxID),
		ProductArn:      "arn:" + r.Partition + ":securityhub:" + r.HomeRegion + ":" + r.Account + ":product/" + r.Account + "/default",
		ProductName:     "Vigil",
		CompanyName:     "Vigil",
		Region:          r.HomeRegion,
		GeneratorID:     clip("vigil-"+r.CheckID, asffMaxID),
		AwsAccountID:    r.Account,
		AwsAccountName:  r.AccountName,
		Types:           asffTypes(r.Frameworks),
		FirstObservedAt: at,
		LastObservedAt:  at,
		CreatedAt:       at,
		UpdatedAt:       at,
		Severity:        asffSeverity{Label: strings.ToUpper(string(r.Severity)), Original: string(r.Severity)},
		Title:           clip(r.Title, asffMaxTitle),
		Description:     clip(firstNonEmpty(r.Reason, r.Description, r.Title), asffMaxDescription),
		ProductFields: map[string]string{
			"ProviderName":    "Vigil",
			"ProviderVersion": clip(rep.run.Version, asffMaxField),
			"vigil/CheckId":   clip(r.CheckID, asffMaxField),
			"vigil/Status":    string(r.Status),
			"vigil/RunId":     clip(rep.run.ID, asffMaxField),
		},
		Resources: []asffResource{{
			Type:      asffResourceType(r),
			ID:        clip(asffResourceID(r), asffMaxID),
			Partition: r.Partition,
			Region:    r.HomeRegion,
			Tags:      asffTags(r.Tags),
		}},
		Compliance:  asffCompliance{Status: asffComplianceStatus(r.Status), RelatedRequirements: asffRequirements(r.Frameworks)},
		Workflow:    asffWorkflow{Status: asffWorkflowStatus(r)},
		RecordState: "ACTIVE",
	}
	if r.Status == compliance.Pass {
		// Security Hub grades passed control checks INFORMATIONAL; Original
		// keeps the check's severity.
		f.Severity.Label = "INFORMATIONAL"
	}
	if r.Remediation != "" {
		f.Remediation = &asffRemediation{Recommendation: asffRecommendation{Text: clip(r.Remediation, asffMaxRemediation)}}
	}
	if r.Muted {
		f.ProductFields["vigil/MuteReason"] = clip(r.MuteReason, asffMaxField)
	}
	return f
}

// asffComplianceStatus maps a status to Compliance.Status: ERROR means the
// check could not run (NOT_AVAILABLE, as for an API error), MANUAL that
// Vigil cannot decide (WARNING).
func asffComplianceStatus(s compliance.Status) string {
	switch s {
	case compliance.Pass:
		return "PASSED"
	case compliance.Fail:
		return "FAILED"
	case compliance.Manual:
		return "WARNING"
	}
	return "NOT_AVAILABLE"
}

// asffWorkflowStatus follows Security Hub's own control findings: passed
// checks are RESOLVED, muted ones SUPPRESSED, the rest NEW.
func asffWorkflowStatus(r *row) string {
	switch {
	case r.Muted:
		return "SUPPRESSED"
	case r.Status == compliance.Pass || r.Status == compliance.NotApplicable:
		return "RESOLVED"
	}
	return "NEW"
}

// asffTypes classifies a finding in ASFF's Types taxonomy
// (namespace/category/classifier).
func asffTypes(fw map[string][]string) []string {
	types := []string{"Software and Configuration Checks/AWS Security Best Practices"}
	for name := range fw {
		if strings.HasPrefix(name, "cis-") {
			types = append(types, "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark")
			break
		}
	}
	return types
}

// asffRequirements lists "framework control" pairs, at most 32.
func asffRequirements(fw map[string][]string) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(fw)) {
		for _, c := range fw[name] {
			out = append(out, clip(name+" "+c, asffMaxTitle))
		}
	}
	if len(out) > asffMaxRequirements {
		out = out[:asffMaxRequirements]
	}
	return out
}

// asffResourceType turns a CloudFormation type into ASFF's spelling:
// AWS::EC2::SecurityGroup → AwsEc2SecurityGroup, AWS::RDS::DBInstance →
// AwsRdsDbInstance. Results about the account as a whole are AwsAccount.
// Security Hub accepts other values; it only details the types it knows.
func asffResourceType(r *row) string {
	if r.ResourceID == r.Account && r.ResourceARN == "" {
		return "AwsAccount"
	}
	parts := strings.Split(r.ResourceType, "::")
	if len(parts) < 2 {
		return "Other"
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(pascal(p))
	}
	return b.String()
}

// pascal lower-cases acronyms: "EC2" → "Ec2", "DBInstance" → "DbInstance",
// "CloudTrail" stays. Inside a run of capitals, a capital is lowered unless
// it starts the run or a new word (a lower-case letter follows it).
func pascal(s string) string {
	orig := []rune(s)
	capital := func(j int) bool { return orig[j] >= 'A' && orig[j] <= 'Z' || orig[j] >= '0' && orig[j] <= '9' }
	out := slices.Clone(orig)
	for i := 1; i < len(orig); i++ {
		if orig[i] >= 'A' && orig[i] <= 'Z' && capital(i-1) && (i == len(orig)-1 || capital(i+1)) {
			out[i] += 'a' - 'A'
		}
	}
	return string(out)
}

// asffResourceID is the resource's ARN, or Security Hub's account form
// "AWS::::Account:<id>", or the plain id.
func asffResourceID(r *row) string {
	switch {
	case r.ResourceARN != "":
		return r.ResourceARN
	case r.ResourceID == r.Account:
		return "AWS::::Account:" + r.Account
	}
	return r.ResourceID
}

// asffTags clips tags to ASFF's limits.
func asffTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[clip(k, asffMaxTagKey)] = clip(v, asffMaxTagValue)
	}
	return out
}

// clip cuts s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
