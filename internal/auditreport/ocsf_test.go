package auditreport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ocsfEventOut is the part of an OCSF Compliance Finding the test checks,
// decoded independently of the writer's types.
type ocsfEventOut struct {
	ActivityID  *int   `json:"activity_id"`
	CategoryUID int    `json:"category_uid"`
	ClassUID    int    `json:"class_uid"`
	TypeUID     int    `json:"type_uid"`
	SeverityID  *int   `json:"severity_id"`
	Severity    string `json:"severity"`
	StatusID    int    `json:"status_id"`
	Time        int64  `json:"time"`
	Compliance  struct {
		Control      string   `json:"control"`
		Requirements []string `json:"requirements"`
		Standards    []string `json:"standards"`
		StatusID     *int     `json:"status_id"`
		Status       string   `json:"status"`
	} `json:"compliance"`
	FindingInfo struct {
		UID         string `json:"uid"`
		Title       string `json:"title"`
		Desc        string `json:"desc"`
		CreatedTime int64  `json:"created_time"`
	} `json:"finding_info"`
	Resources []struct {
		UID            string `json:"uid"`
		Type           string `json:"type"`
		Region         string `json:"region"`
		CloudPartition string `json:"cloud_partition"`
	} `json:"resources"`
	Cloud struct {
		Provider string `json:"provider"`
		Region   string `json:"region"`
		Account  struct {
			UID string `json:"uid"`
		} `json:"account"`
	} `json:"cloud"`
	Metadata struct {
		Version string `json:"version"`
		Product struct {
			Name       string `json:"name"`
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
}

func TestOCSFValid(t *testing.T) {
	r := sampleRun()
	dir := t.TempDir()
	if _, err := Write(dir, r, []string{"ocsf"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.ocsf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var events []ocsfEventOut
	if err := json.Unmarshal(b, &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != len(r.Results) {
		t.Fatalf("%d events, want %d", len(events), len(r.Results))
	}
	statuses := map[string]int{}
	for _, e := range events {
		id := e.FindingInfo.UID
		switch {
		case e.ActivityID == nil || *e.ActivityID != 1:
			t.Errorf("%s: activity_id %v, want 1 (Create)", id, e.ActivityID)
		case e.CategoryUID != 2 || e.ClassUID != 2003:
			t.Errorf("%s: category %d class %d, want 2 and 2003", id, e.CategoryUID, e.ClassUID)
		case e.TypeUID != e.ClassUID*100+*e.ActivityID:
			t.Errorf("%s: type_uid %d, want class_uid*100+activity_id", id, e.TypeUID)
		case e.SeverityID == nil || *e.SeverityID < 1 || *e.SeverityID > 5 || e.Severity == "":
			t.Errorf("%s: severity %v %q", id, e.SeverityID, e.Severity)
		case e.StatusID == 0:
			t.Errorf("%s: no status_id", id)
		case e.Time != r.Results[0].EvaluatedAt.UnixMilli() || e.FindingInfo.CreatedTime != e.Time:
			t.Errorf("%s: time %d, created %d, want %d (milliseconds)", id, e.Time, e.FindingInfo.CreatedTime, r.Results[0].EvaluatedAt.UnixMilli())
		case id == "" || e.FindingInfo.Title == "":
			t.Errorf("finding_info %+v lacks uid or title", e.FindingInfo)
		case len(e.Compliance.Standards) == 0 || e.Compliance.Control == "" || e.Compliance.StatusID == nil:
			t.Errorf("%s: compliance %+v lacks standards, control or status_id", id, e.Compliance)
		case len(e.Resources) != 1 || e.Resources[0].UID == "" || e.Resources[0].Type == "" || e.Resources[0].Region == "" || e.Resources[0].CloudPartition != "aws":
			t.Errorf("%s: resources %+v", id, e.Resources)
		case e.Cloud.Provider != "AWS" || e.Cloud.Account.UID == "" || e.Cloud.Region == "":
			t.Errorf("%s: cloud %+v", id, e.Cloud)
		case e.Metadata.Version == "" || e.Metadata.Product.Name != "Vigil" || e.Metadata.Product.VendorName == "":
			t.Errorf("%s: metadata %+v", id, e.Metadata)
		}
		if e.Compliance.StatusID != nil {
			statuses[e.Compliance.Status] = *e.Compliance.StatusID
		}
	}
	want := map[string]int{"Pass": 1, "Fail": 3, "Warning": 2, "Manual": 99, "Not Applicable": 99}
	for k, v := range want {
		if statuses[k] != v {
			t.Errorf("compliance status %s has id %d, want %d", k, statuses[k], v)
		}
	}
}
