package collect

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeCredentialReport is the IAM credential report, one item per account
// (resourceId the account id). Config does not record it. Its
// configuration is
//
//	{"generatedTime": "2026-11-01T11:58:00Z",
//	 "rows": [{"user": "<root_account>", "arn": "arn:aws:iam::…:root",
//	           "password_enabled": "not_supported", "mfa_active": "true",
//	           "access_key_1_active": "false", …}, …]}
//
// with one object per CSV row, keyed by the report's column names and
// holding its text verbatim ("true", "N/A", "no_information",
// "not_supported", ISO 8601 times). The first row of a real report is the
// root user's (<root_account>). See
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
const TypeCredentialReport = "AWS::IAM::CredentialReport"

// reportWaits are the pauses between GenerateCredentialReport calls while
// IAM builds the report (about 30 s in all); GetCredentialReport is
// called after the last one whatever the state, and says why if the
// report is still missing.
var reportWaits = []time.Duration{
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
	4 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second,
}

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-credential-report",
		Global:        true,
		ResourceTypes: []string{TypeCredentialReport},
		Permissions:   []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"},
		Collect:       collectCredentialReport,
	})
}

func collectCredentialReport(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := iam.NewFromConfig(s.AWS)
	for attempt := 0; ; attempt++ {
		gen, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "generate-credential-report"},
			func(ctx context.Context) (*iam.GenerateCredentialReportOutput, error) {
				return c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
			})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.Gap(TypeCredentialReport, err)
			return nil, nil
		}
		if gen.State == types.ReportStateTypeComplete || attempt == len(reportWaits) {
			break
		}
		t := time.NewTimer(reportWaits[attempt])
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	rep, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-credential-report"},
		func(ctx context.Context) (*iam.GetCredentialReportOutput, error) {
			return c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeCredentialReport, err)
		return nil, nil
	}
	rows, err := parseCredentialReport(rep.Content)
	if err != nil {
		s.Gap(TypeCredentialReport, &inventory.CallError{
			Permission: "iam:GetCredentialReport", Region: s.APIRegion, Code: "MalformedReport", Message: err.Error(),
		})
		return nil, nil
	}
	conf := map[string]any{"rows": rows}
	if rep.GeneratedTime != nil {
		conf["generatedTime"] = rep.GeneratedTime.UTC()
	}
	it := s.NewItem(TypeCredentialReport, s.Account, "credential-report", "", conf)
	return []*inventory.Item{it}, nil
}

// parseCredentialReport reads the report's CSV into one map per row,
// keyed by the header's column names.
func parseCredentialReport(content []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(content))
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("credential report CSV: %w", err)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("credential report CSV: empty, want a header row")
	}
	header := records[0]
	if len(header) < 2 || header[0] != "user" || header[1] != "arn" {
		return nil, fmt.Errorf("credential report CSV: header starts %q, want user,arn,…", header[:min(2, len(header))])
	}
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := make(map[string]string, len(header))
		for i, col := range header {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows, nil
}
