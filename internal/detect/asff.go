package detect

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// ASFFFinding is a finding in the AWS Security Finding Format (the fields
// BatchImportFindings requires, and those Vigil can fill), as GuardDuty's
// findings appear in Security Hub. See
// https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html.
type ASFFFinding struct {
	SchemaVersion   string            `json:"SchemaVersion"`
	ID              string            `json:"Id"`
	ProductArn      string            `json:"ProductArn"`
	ProductName     string            `json:"ProductName"`
	CompanyName     string            `json:"CompanyName"`
	GeneratorID     string            `json:"GeneratorId"`
	AwsAccountID    string            `json:"AwsAccountId"`
	Region          string            `json:"Region"`
	Types           []string          `json:"Types"`
	FirstObservedAt string            `json:"FirstObservedAt,omitempty"`
	LastObservedAt  string            `json:"LastObservedAt,omitempty"`
	CreatedAt       string            `json:"CreatedAt"`
	UpdatedAt       string            `json:"UpdatedAt"`
	Severity        ASFFSeverity      `json:"Severity"`
	Title           string            `json:"Title"`
	Description     string            `json:"Description"`
	ProductFields   map[string]string `json:"ProductFields"`
	Resources       []ASFFResource    `json:"Resources"`
	RecordState     string            `json:"RecordState"`
	Workflow        ASFFWorkflow      `json:"Workflow"`
}

// ASFFSeverity is an ASFF severity: the label, 0–100, and GuardDuty's value.
type ASFFSeverity struct {
	Label      string `json:"Label"`
	Normalized int    `json:"Normalized"`
	Original   string `json:"Original"`
}

// ASFFResource is a resource of an ASFF finding.
type ASFFResource struct {
	Type      string         `json:"Type"`
	ID        string         `json:"Id"`
	Partition string         `json:"Partition"`
	Region    string         `json:"Region"`
	Details   map[string]any `json:"Details,omitempty"`
}

// ASFFWorkflow is the finding's workflow state.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// asffTypes maps GuardDuty's threat purposes to ASFF type namespaces and
// categories.
var asffTypes = map[string]string{
	"Backdoor": "TTPs/Command and Control", "Behavior": "Unusual Behaviors/Network Flow",
	"CredentialAccess": "TTPs/Credential Access", "CryptoCurrency": "Effects/Resource Consumption",
	"DefenseEvasion": "TTPs/Defense Evasion", "Discovery": "TTPs/Discovery", "Execution": "TTPs/Execution",
	"Exfiltration": "Effects/Data Exfiltration", "Impact": "Effects/Data Destruction", "InitialAccess": "TTPs/Initial Access",
	"PenTest": "TTPs/Discovery", "Persistence": "TTPs/Persistence", "Policy": "Software and Configuration Checks/Policy",
	"PrivilegeEscalation": "TTPs/Privilege Escalation", "Recon": "TTPs/Discovery", "Stealth": "TTPs/Defense Evasion",
	"Trojan": "TTPs/Command and Control", "UnauthorizedAccess": "TTPs/Initial Access",
}

// maxProductField is ASFF's limit on a ProductFields value.
const maxProductField = 2048

// ToASFF converts a finding. reg, if not nil, supplies the detection's
// namespace; the detection ID comes from the finding's additionalInfo.
func ToASFF(f *vigil.Finding, reg *Registry) ASFFFinding {
	purpose, _, _ := strings.Cut(f.Type, ":")
	category := asffTypes[purpose]
	if category == "" {
		category = "Unusual Behaviors/User"
	}
	detection := DetectionID(f)
	a := ASFFFinding{
		SchemaVersion:   "2018-10-08",
		ID:              f.ARN,
		ProductArn:      fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", f.Partition, f.Region, f.AccountID, f.AccountID),
		ProductName:     "Vigil",
		CompanyName:     "Vigil",
		GeneratorID:     "vigil/" + firstOf(detection, f.Type),
		AwsAccountID:    f.AccountID,
		Region:          f.Region,
		Types:           []string{category + "/" + strings.ReplaceAll(f.Type, "/", "-")},
		FirstObservedAt: f.Service.EventFirstSeen,
		LastObservedAt:  f.Service.EventLastSeen,
		CreatedAt:       f.CreatedAt,
		UpdatedAt:       f.UpdatedAt,
		Severity: ASFFSeverity{Label: strings.ToUpper(f.Severity.Label()), Normalized: int(float64(f.Severity)*10 + 0.5),
			Original: strconv.FormatFloat(float64(f.Severity), 'f', -1, 64)},
		Title:       f.Title,
		Description: f.Description,
		ProductFields: map[string]string{
			"vigil/type":                  f.Type,
			"vigil/findingId":             f.ID,
			"vigil/count":                 strconv.FormatInt(f.Service.Count, 10),
			"aws/guardduty/service/count": strconv.FormatInt(f.Service.Count, 10),
		},
		RecordState: "ACTIVE",
		Workflow:    ASFFWorkflow{Status: "NEW"},
	}
	if detection != "" {
		a.ProductFields["vigil/detectionId"] = detection
	}
	if reg != nil {
		if d, ok := reg.ByType(f.Type); ok {
			a.ProductFields["vigil/namespace"] = d.Namespace
		}
	}
	if len(f.Evidence.SQL) <= maxProductField {
		a.ProductFields["vigil/evidence/sql"] = f.Evidence.SQL
	}
	if f.Evidence.Principal != "" {
		a.ProductFields["vigil/principal"] = f.Evidence.Principal
	}
	if f.Service.Archived {
		a.RecordState = "ARCHIVED"
	}
	a.Resources = asffResources(f)
	return a
}

func asffResources(f *vigil.Finding) []ASFFResource {
	r := f.Resource
	res := func(typ, id string, details map[string]any) ASFFResource {
		return ASFFResource{Type: typ, ID: id, Partition: f.Partition, Region: f.Region, Details: details}
	}
	var out []ASFFResource
	for _, b := range r.S3BucketDetails {
		out = append(out, res("AwsS3Bucket", b.ARN, nil))
	}
	if i := r.InstanceDetails; i != nil {
		id := fmt.Sprintf("arn:%s:ec2:%s:%s:instance/%s", f.Partition, f.Region, f.AccountID, i.InstanceID)
		if i.InstanceID == "" && len(i.NetworkInterfaces) > 0 {
			id = fmt.Sprintf("arn:%s:ec2:%s:%s:network-interface/%s", f.Partition, f.Region, f.AccountID, i.NetworkInterfaces[0].NetworkInterfaceID)
		}
		out = append(out, res("AwsEc2Instance", id, nil))
	}
	if k := r.AccessKeyDetails; k != nil {
		details := map[string]any{"AwsIamAccessKey": map[string]string{"PrincipalId": k.PrincipalID, "PrincipalName": k.UserName, "PrincipalType": k.UserType}}
		out = append(out, res("AwsIamAccessKey", firstOf(k.AccessKeyID, f.Evidence.Principal, k.PrincipalID, "unknown"), details))
	}
	if len(out) == 0 {
		out = append(out, res("Other", f.ID, nil))
	}
	return out
}

// DetectionID returns the ID of the detection that raised f, from its
// additionalInfo ("" if unknown).
func DetectionID(f *vigil.Finding) string { return Info(f)["detectionId"] }

// Info returns the finding's additionalInfo values: detectionId, the
// resource key the finding aggregates by ("resource", e.g.
// "snapshot/snap-0a1b…"), and what the detection added.
func Info(f *vigil.Finding) map[string]string {
	if f.Service.AdditionalInfo == nil {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(f.Service.AdditionalInfo.Value), &m) != nil {
		return nil
	}
	return m
}

// ResourceName names what a finding is about, briefly: its resource key,
// else the bucket, instance, principal or access key it names.
func ResourceName(f *vigil.Finding) string {
	if res := Info(f)["resource"]; res != "" {
		return res
	}
	r := f.Resource
	switch {
	case len(r.S3BucketDetails) > 0:
		return "s3://" + r.S3BucketDetails[0].Name
	case r.InstanceDetails != nil && r.InstanceDetails.InstanceID != "":
		return r.InstanceDetails.InstanceID
	case f.Evidence.Principal != "":
		return f.Evidence.Principal
	case r.AccessKeyDetails != nil:
		return r.AccessKeyDetails.AccessKeyID
	}
	return ""
}
