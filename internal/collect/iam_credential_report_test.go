package collect_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCredentialReport(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	ctx := t.Context()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("erin"), Password: aws.String("Correct-Horse-Battery-9")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}

	// moto answers STARTED first, then COMPLETE: the collector waits.
	snap := env.Collect(t, []string{"us-east-1"}, "iam-credential-report")
	iamAssertDeclared(t, snap, "iam-credential-report")
	items := collecttest.Of(snap, collect.TypeCredentialReport)
	if len(items) != 1 {
		t.Fatalf("%d reports, gaps %+v", len(items), collecttest.Gaps(snap))
	}
	rep := items[0]
	if rep.Region != inventory.GlobalRegion || rep.ResourceID != collecttest.Account || inventory.Str(rep.Conf(), "generatedTime") == "" {
		t.Errorf("report item %+v", rep)
	}
	if n := snap.Calls["iam:GenerateCredentialReport"]; n < 2 {
		t.Errorf("GenerateCredentialReport called %d times, want until COMPLETE (2 on moto)", n)
	}
	rows := inventory.List(rep.Conf(), "rows")
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	for col, want := range map[string]string{
		"user": "erin", "arn": "arn:aws:iam::123456789012:user/erin", "password_enabled": "true",
		"mfa_active": "false", "access_key_1_active": "true", "access_key_2_active": "false", "access_key_1_last_used_date": "N/A",
	} {
		if got := inventory.Str(rows[0], col); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}

	env.Proxy.Fail("GetCredentialReport", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam-credential-report")
	if g := iamGapFor(snap, collect.TypeCredentialReport); g == nil || g.Errors[0].Permission != "iam:GetCredentialReport" || !g.Errors[0].Denied() {
		t.Errorf("denied: gap %+v", g)
	}
	if n := len(collecttest.Of(snap, collect.TypeCredentialReport)); n != 0 {
		t.Errorf("denied: %d reports", n)
	}
}

// TestCredentialReportRows runs the collector on a fake IAM whose report
// has the root row real accounts have (moto's lacks it), and on a broken
// report.
func TestCredentialReportRows(t *testing.T) {
	t.Parallel()
	const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
	const root = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-10-30T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	for _, tc := range []struct {
		name, csv string
		wantRows  int
		wantCode  string
	}{
		{"root row", header + root, 1, ""},
		{"ragged row", header + "bob,arn:aws:iam::123456789012:user/bob,true\n", 0, "MalformedReport"},
		{"not a report", "hello,world\n", 0, "MalformedReport"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := iamFakeEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.ParseForm(); err != nil {
					t.Error(err)
				}
				w.Header().Set("Content-Type", "text/xml")
				switch r.PostForm.Get("Action") {
				case "GenerateCredentialReport":
					fmt.Fprint(w, `<GenerateCredentialReportResponse><GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult></GenerateCredentialReportResponse>`)
				case "GetCredentialReport":
					fmt.Fprintf(w, `<GetCredentialReportResponse><GetCredentialReportResult><Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-01T11:00:00Z</GeneratedTime></GetCredentialReportResult></GetCredentialReportResponse>`,
						base64.StdEncoding.EncodeToString([]byte(tc.csv)))
				default:
					w.WriteHeader(http.StatusBadRequest)
				}
			}))
			snap := env.Collect(t, []string{"us-east-1"}, "iam-credential-report")
			items := collecttest.Of(snap, collect.TypeCredentialReport)
			g := iamGapFor(snap, collect.TypeCredentialReport)
			if tc.wantCode != "" {
				if len(items) != 0 || g == nil || g.Errors[0].Code != tc.wantCode || g.Errors[0].Permission != "iam:GetCredentialReport" {
					t.Fatalf("items %v gap %+v, want a %s gap", items, g, tc.wantCode)
				}
				return
			}
			if len(items) != 1 || g != nil {
				t.Fatalf("items %v gap %+v", items, g)
			}
			rows := inventory.List(items[0].Conf(), "rows")
			if len(rows) != tc.wantRows || inventory.Str(rows[0], "user") != "<root_account>" || inventory.Str(rows[0], "mfa_active") != "true" ||
				inventory.Str(rows[0], "password_last_used") != "2026-10-30T08:00:00+00:00" {
				t.Errorf("rows %v", rows)
			}
			if got := inventory.Str(items[0].Conf(), "generatedTime"); got != "2026-11-01T11:00:00Z" {
				t.Errorf("generatedTime %q", got)
			}
		})
	}
}
