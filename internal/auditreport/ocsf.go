package auditreport

import (
	"io"
	"maps"
	"slices"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// OCSF Compliance Finding events (class 2003 of the Findings category):
// https://schema.ocsf.io/1.4.0/classes/compliance_finding. The file is a
// JSON array of events, as Prowler writes it and Security Lake ingests it.

const (
	ocsfVersion       = "1.4.0"
	ocsfCategoryUID   = 2    // Findings
	ocsfClassUID      = 2003 // Compliance Finding
	ocsfActivityID    = 1    // Create
	ocsfAccountTypeID = 10   // AWS Account
)

type ocsfEvent struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	StatusCode   string `json:"status_code"`
	StatusDetail string `json:"status_detail,omitempty"`
	Message      string `json:"message,omitempty"`
	// Time is when the finding was made, in milliseconds since the epoch.
	Time        int64             `json:"time"`
	Compliance  ocsfCompliance    `json:"compliance"`
	FindingInfo ocsfFindingInfo   `json:"finding_info"`
	Remediation *ocsfRemediation  `json:"remediation,omitempty"`
	Resources   []ocsfResource    `json:"resources"`
	Cloud       ocsfCloud         `json:"cloud"`
	Metadata    ocsfMetadata      `json:"metadata"`
	Unmapped    map[string]string `json:"unmapped,omitempty"`
}

type ocsfCompliance struct {
	Control      string   `json:"control"`
	Requirements []string `json:"requirements,omitempty"`
	Standards    []string `json:"standards"`
	StatusID     int      `json:"status_id"`
	Status       string   `json:"status"`
	StatusCode   string   `json:"status_code"`
	StatusDetail string   `json:"status_detail,omitempty"`
}

type ocsfFindingInfo struct {
	UID          string   `json:"uid"`
	Title        string   `json:"title"`
	Desc         string   `json:"desc,omitempty"`
	CreatedTime  int64    `json:"created_time"`
	ModifiedTime int64    `json:"modified_time"`
	Types        []string `json:"types,omitempty"`
}

type ocsfRemediation struct {
	Desc string `json:"desc"`
}

type ocsfResource struct {
	UID            string         `json:"uid"`
	Name           string         `json:"name"`
	Type           string         `json:"type"`
	Region         string         `json:"region"`
	CloudPartition string         `json:"cloud_partition"`
	Tags           []ocsfKeyValue `json:"tags,omitempty"`
}

type ocsfKeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type ocsfCloud struct {
	Provider string       `json:"provider"`
	Region   string       `json:"region"`
	Account  ocsfAccount  `json:"account"`
	Org      *ocsfOrgInfo `json:"org,omitempty"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

type ocsfOrgInfo struct {
	UID string `json:"uid"`
}

type ocsfMetadata struct {
	Version   string      `json:"version"`
	Product   ocsfProduct `json:"product"`
	EventCode string      `json:"event_code"`
	Profiles  []string    `json:"profiles"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
}

func (rep *report) writeOCSF(w io.Writer) error {
	return writeArray(w, len(rep.rows), func(i int) any { return rep.ocsf(&rep.rows[i]) })
}

func (rep *report) ocsf(r *row) ocsfEvent {
	ms := r.Time.UnixMilli()
	sevID, sev := ocsfSeverity(r)
	stID, st := ocsfFindingStatus(r)
	cID, c := ocsfComplianceStatus(r.Status)
	uid := r.ResourceARN
	if uid == "" {
		uid = r.ResourceID
	}
	e := ocsfEvent{
		ActivityID: ocsfActivityID, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Compliance Finding",
		TypeUID: ocsfClassUID*100 + ocsfActivityID, TypeName: "Compliance Finding: Create",
		SeverityID: sevID, Severity: sev,
		StatusID: stID, Status: st, StatusCode: string(r.Status), StatusDetail: r.Reason,
		Message: r.Reason,
		Time:    ms,
		Compliance: ocsfCompliance{
			Control:      r.CheckID,
			Requirements: asffRequirements(r.Frameworks),
			Standards:    ocsfStandards(r.Frameworks),
			StatusID:     cID, Status: c, StatusCode: string(r.Status), StatusDetail: r.Reason,
		},
		FindingInfo: ocsfFindingInfo{
			UID: r.FindingID, Title: r.Title, Desc: firstNonEmpty(r.Description, r.Title),
			CreatedTime: ms, ModifiedTime: ms, Types: []string{r.Service},
		},
		Resources: []ocsfResource{{
			UID: uid, Name: r.ResourceID, Type: r.ResourceType, Region: r.HomeRegion,
			CloudPartition: r.Partition, Tags: ocsfTags(r.Tags),
		}},
		Cloud: ocsfCloud{
			Provider: "AWS", Region: r.HomeRegion,
			Account: ocsfAccount{UID: r.Account, Name: r.AccountName, Type: "AWS Account", TypeID: ocsfAccountTypeID},
		},
		Metadata: ocsfMetadata{
			Version:   ocsfVersion,
			Product:   ocsfProduct{Name: "Vigil", VendorName: "Vigil", Version: rep.run.Version},
			EventCode: r.CheckID,
			Profiles:  []string{"cloud"},
		},
	}
	if r.Service == "" {
		e.FindingInfo.Types = nil
	}
	if rep.run.Org != "" {
		e.Cloud.Org = &ocsfOrgInfo{UID: rep.run.Org}
	}
	if r.Remediation != "" {
		e.Remediation = &ocsfRemediation{Desc: r.Remediation}
	}
	if r.Muted || rep.run.ID != "" {
		e.Unmapped = map[string]string{"run_id": rep.run.ID}
		if r.Muted {
			e.Unmapped["mute_reason"] = r.MuteReason
		}
	}
	return e
}

// ocsfSeverity maps a severity to OCSF's severity_id; passed checks are
// Informational, as in the ASFF file.
func ocsfSeverity(r *row) (int, string) {
	if r.Status == compliance.Pass {
		return 1, "Informational"
	}
	switch r.Severity {
	case compliance.Critical:
		return 5, "Critical"
	case compliance.High:
		return 4, "High"
	case compliance.Medium:
		return 3, "Medium"
	case compliance.Low:
		return 2, "Low"
	}
	return 1, "Informational"
}

// ocsfFindingStatus is the finding's triage state, as ASFF's Workflow.
func ocsfFindingStatus(r *row) (int, string) {
	switch asffWorkflowStatus(r) {
	case "SUPPRESSED":
		return 3, "Suppressed"
	case "RESOLVED":
		return 4, "Resolved"
	}
	return 1, "New"
}

// ocsfComplianceStatus maps a status to the compliance object's status_id:
// ERROR is a Warning ("did not yield a result due to missing
// information"); MANUAL and NOT_APPLICABLE are Other, named by status.
func ocsfComplianceStatus(s compliance.Status) (int, string) {
	switch s {
	case compliance.Pass:
		return 1, "Pass"
	case compliance.Fail:
		return 3, "Fail"
	case compliance.Error:
		return 2, "Warning"
	case compliance.Manual:
		return 99, "Manual"
	case compliance.NotApplicable:
		return 99, "Not Applicable"
	}
	return 0, "Unknown"
}

// ocsfStandards names the frameworks a result serves; standards is
// required, so checks mapped to none name Vigil's own catalog.
func ocsfStandards(fw map[string][]string) []string {
	if len(fw) == 0 {
		return []string{"vigil"}
	}
	return slices.Sorted(maps.Keys(fw))
}

func ocsfTags(tags map[string]string) []ocsfKeyValue {
	var out []ocsfKeyValue
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ocsfKeyValue{Name: k, Value: tags[k]})
	}
	return out
}
