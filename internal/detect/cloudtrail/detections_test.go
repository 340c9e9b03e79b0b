package cloudtrail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
	"github.com/vigil-sec/vigil/internal/geo"
)

// Accounts of the fixtures: the own account, another account of the
// organization, and an outsider.
const (
	ownAccount      = "111122223333"
	orgAccount      = "444455556666"
	externalAccount = "999988887777"
	threatIP        = "198.51.100.66"
	torIP           = "185.220.101.4"
)

func testContext(t *testing.T) *detect.Context {
	t.Helper()
	threats, err := geo.NewList("custom-threats", "198.51.100.64/26", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := geo.NewList("tor-exits", torIP, "185.220.101.5")
	if err != nil {
		t.Fatal(err)
	}
	return &detect.Context{ThreatLists: []*geo.List{threats}, Tor: tor, Accounts: map[string]bool{ownAccount: true, orgAccount: true}}
}

// hit renders what matters of a hit: resource key, actor key, severity.
func hit(resource, actor string, sev float64) string {
	return fmt.Sprintf("%s|%s|%g", resource, actor, sev)
}

// cases lists, per detection ID, fixtures (under testdata/<id>/, or
// testdata/<other id>/<file> to cross-check) and the hits they must give.
var cases = map[string][]struct {
	fixture string
	want    []string
}{
	"policy.iam_root_credential_usage": {
		{"none.json", nil},
		{"root_activity.json", []string{hit("", "", 2), hit("", "", 2), hit("", "", 2)}},
		{"aws_on_behalf_of_root.json", nil},
	},
	"stealth.cloudtrail_logging_disabled": {
		{"stratus_event_selectors.json", []string{hit("trail/acme-platform-ctes-trail-khlvciwdor", "", 2)}},
		{"disabled.json", []string{
			hit("trail/arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail", "", 2), hit("trail/audit", "", 2),
			hit("trail/audit2", "", 2), hit("trail/audit3", "", 2), hit("trail/audit4", "", 2), hit("trail/audit5", "", 2), hit("trail/audit6", "", 2),
		}},
		{"benign.json", nil},
	},
	"stealth.iam_password_policy_change": {
		{"weakened.json", []string{hit("password-policy", "", 8), hit("password-policy", "", 2), hit("password-policy", "", 5), hit("password-policy", "", 5), hit("password-policy", "", 8)}},
		{"strong.json", nil},
	},
	"stealth.s3_server_access_logging_disabled": {
		{"disabled.json", []string{hit("bucket/payroll-exports", "", 2)}},
		{"enabled.json", nil},
	},
	"policy.s3_account_block_public_access_disabled": {
		{"disabled.json", []string{hit("account-public-access-block", "", 2), hit("account-public-access-block", "", 2)}},
		{"enabled.json", nil},
	},
	"policy.s3_bucket_block_public_access_disabled": {
		{"disabled.json", []string{hit("bucket/static-site", "", 2), hit("bucket/customer-data", "", 2)}},
		{"enabled.json", nil},
	},
	"policy.s3_bucket_anonymous_access_granted": {
		{"anonymous.json", []string{hit("bucket/public-site", "", 8), hit("bucket/leaky", "", 8), hit("bucket/leaky2", "", 8), hit("bucket/open-acl", "", 8), hit("bucket/new-public", "", 8)}},
		{"private.json", nil},
		{"../policy.s3_bucket_public_access_granted/authenticated.json", nil},
	},
	"policy.s3_bucket_public_access_granted": {
		{"authenticated.json", []string{hit("bucket/shared-acl", "", 8), hit("bucket/new-auth", "", 8), hit("bucket/any-aws", "", 8), hit("bucket/any-aws2", "", 8)}},
		{"private.json", nil},
		{"../policy.s3_bucket_anonymous_access_granted/anonymous.json", nil},
	},
	"pentest.iam_kali_linux": {
		{"kali.json", []string{hit("", "", 5), hit("", "", 5), hit("", "", 5), hit("", "", 5)}},
		{"benign.json", nil},
		{"../pentest.iam_parrot_linux/parrot.json", nil},
	},
	"pentest.iam_parrot_linux": {
		{"parrot.json", []string{hit("", "", 5), hit("", "", 5)}},
		{"benign.json", nil},
		{"../pentest.iam_kali_linux/kali.json", nil},
	},
	"pentest.iam_pentoo_linux": {
		{"pentoo.json", []string{hit("", "", 5), hit("", "", 5)}},
		{"benign.json", nil},
	},
	"unauthorized_access.iam_malicious_ip_caller_custom": {
		{"listed_ip.json", []string{hit("", threatIP, 5), hit("", threatIP, 5)}},
		{"clean_ip.json", nil},
		{"../unauthorized_access.iam_tor_ip_caller/listed_ip.json", nil},
	},
	"recon.iam_malicious_ip_caller_custom": {
		{"listed_ip.json", []string{hit("", threatIP, 5), hit("", threatIP, 5), hit("", threatIP, 5)}},
		{"clean_ip.json", nil},
	},
	"unauthorized_access.iam_tor_ip_caller": {
		{"listed_ip.json", []string{hit("", torIP, 5), hit("", torIP, 5)}},
		{"clean_ip.json", nil},
		{"../unauthorized_access.iam_malicious_ip_caller_custom/listed_ip.json", nil},
	},
	"recon.iam_tor_ip_caller": {
		{"listed_ip.json", []string{hit("", torIP, 5), hit("", torIP, 5), hit("", torIP, 5)}},
		{"clean_ip.json", nil},
	},
	"exfiltration.ec2_snapshot_shared_externally": {
		{"stratus_share_ebs_snapshot.json", []string{hit("snapshot/snap-041993b54a9b3af6f", "098797384747", 8)}},
		{"shared.json", []string{hit("snapshot/snap-0a1b2c3d4e5f60001", "public", 8), hit("snapshot/snap-0a1b2c3d4e5f60002", externalAccount, 8)}},
		{"internal.json", nil},
	},
	"exfiltration.ec2_ami_shared_externally": {
		{"shared.json", []string{hit("image/ami-0a1b2c3d4e5f60001", externalAccount, 8), hit("image/ami-0a1b2c3d4e5f60002", "public", 8)}},
		{"internal.json", nil},
	},
	"exfiltration.rds_snapshot_shared_externally": {
		{"shared.json", []string{hit("rds-snapshot/prod-db-2024-05-01", externalAccount, 8), hit("rds-snapshot/aurora-prod-final", "public", 8)}},
		{"internal.json", nil},
	},
	"persistence.iam_role_trust_policy_external": {
		{"stratus_backdoor_role.json", []string{hit("role/acme-platform-backdoor-r-role", "193672423079", 8)}},
		{"opened.json", []string{hit("role/anyone", "public", 8), hit("role/vendor", externalAccount, 8)}},
		{"internal.json", nil},
	},
	"persistence.lambda_resource_policy_external": {
		{"opened.json", []string{
			hit("function/arn:aws:lambda:us-east-1:111122223333:function:billing", "*", 8),
			hit("function/arn:aws:lambda:us-east-1:111122223333:function:billing", externalAccount, 5),
			hit("function/arn:aws:lambda:us-east-1:111122223333:function:billing", "arn:aws:iam::999988887777:root", 5),
		}},
		{"restricted.json", nil},
	},
	"persistence.iam_access_key_for_other_user": {
		{"stratus_create_admin_user.json", []string{hit("user/malicious-iam-user", "arn:aws:iam::229654561268:user/christophe", 5)}},
		{"other_user.json", []string{hit("user/ci-deployer", "arn:aws:sts::111122223333:assumed-role/Admin/bob", 5)}},
		{"own_key.json", nil},
	},
	"persistence.iam_login_profile_for_other_user": {
		{"stratus_create_user_login_profile.json", []string{hit("user/acme-platform-login-profile-user", "arn:aws:iam::070411556318:user/christophe", 5)}},
		{"own_profile.json", nil},
	},
	"privilege_escalation.iam_password_reset_for_other_user": {
		{"stratus_update_user_login_profile.json", []string{hit("user/acme-platform-update-login-profile-user", "arn:aws:iam::763751499319:user/christophe", 5)}},
		{"own_password.json", nil},
	},
	"stealth.ec2_flow_logs_deleted": {
		{"stratus_vpc_remove_flow_logs.json", []string{hit("", "fl-0e17aa62a21d4bbfe", 5)}},
		{"id_set.json", []string{hit("", "fl-0a1b2c3d4e5f60001, fl-0a1b2c3d4e5f60002", 5)}},
		{"denied_or_created.json", nil},
	},
	"stealth.route53resolver_query_logging_deleted": {
		{"stratus_dns_delete_logs.json", []string{hit("resolver-query-log-config/rqlc-4473f20ca554c07", "", 5)}},
		{"disassociated.json", []string{hit("resolver-query-log-config/rqlc-0a1b2c3d4e5f6", "", 5)}},
		{"associated.json", nil},
	},
	"impact.ec2_accelerated_instances_launched": {
		{"stratus_launch_unusual_instances.json", []string{hit("", "p2.xlarge", 2)}},
		{"launched.json", []string{hit("", "g5.12xlarge", 5)}},
		{"general_purpose.json", nil},
	},
	"execution.ssm_shell_command_sent": {
		{"stratus_ssm_send_command.json", []string{hit("", "AWS-RunShellScript", 5)}},
		{"powershell_by_tag.json", []string{hit("", "AWS-RunPowerShellScript", 5)}},
		{"patching.json", nil},
	},
	"policy.ec2_security_group_admin_port_public": {
		{"stratus_open_port_22.json", []string{hit("security-group/sg-003dc7f1f1c686164", "22", 5)}},
		{"opened.json", []string{hit("security-group/sg-0a1b2c3d4e5f60001", "3389", 5), hit("security-group/sg-0a1b2c3d4e5f60001", "all", 8)}},
		{"web_or_private.json", nil},
	},
	"impact.bedrock_model_access_enabled": {
		{"stratus_bedrock_invoke_model.json", []string{
			hit("model/anthropic.claude-3-sonnet-20240229-v1:0", "", 5), hit("model-access-use-case", "", 5), hit("model/anthropic.claude-3-sonnet-20240229-v1:0", "", 5),
		}},
		{"invoke_only.json", nil},
	},
	"lateral_movement.ec2_instance_connect_ssh_key": {
		{"stratus_instance_connect.json", []string{
			hit("instance/i-fDb357cB7e99ad973", "ec2-user", 5), hit("instance/i-6D7Fb8F606130A33d", "ec2-user", 5), hit("instance/i-9d2abfF1798C34950", "ec2-user", 5),
		}},
		{"console_or_denied.json", nil},
	},
	"persistence.lambda_layer_attached": {
		{"stratus_lambda_layer_extension.json", []string{hit("function/arn:aws:lambda:eugov-eastcentral-1r:712967571683:function:acme-platform-lambda-layer-simpleLambda",
			"arn:aws:lambda:eugov-eastcentral-1r:712967571683:layer:acme-platform-lambda-layer-my-lambda-extension:1", 2)}},
		{"external_layer.json", []string{hit("function/arn:aws:lambda:eugov-eastcentral-1r:712967571683:function:acme-platform-lambda-layer-simpleLambda",
			"arn:aws:lambda:us-east-1:999988887777:layer:collector:3", 5)}},
		{"environment_only.json", nil},
	},
	"persistence.rolesanywhere_trust_anchor_created": {
		{"stratus_create_trust_anchor.json", []string{hit("trust-anchor/malicious-rolesanywhere-trust-anchor", "", 8)}},
		{"renamed_or_denied.json", nil},
	},
	"impact.kms_key_deletion_scheduled": {
		{"scheduled.json", []string{hit("key/arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001", "", 8), hit("key/alias/old-app", "", 5)}},
		{"cancelled_or_denied.json", nil},
	},
	"stealth.iam_root_mfa_deactivated": {
		{"root_mfa_removed.json", []string{hit("root-mfa", "", 8), hit("root-mfa", "", 8)}},
		{"user_mfa_removed.json", nil},
	},
}

func TestDetections(t *testing.T) {
	c := testContext(t)
	for _, d := range All() {
		t.Run(d.ID, func(t *testing.T) {
			for _, tc := range cases[d.ID] {
				t.Run(tc.fixture, func(t *testing.T) {
					events := detecttest.LoadEvents(t, filepath.Join("testdata", d.ID, tc.fixture))
					var got []string
					for _, h := range detecttest.Hits(t, d, c, events) {
						sev := h.Severity
						if sev == 0 {
							sev = d.Severity
						}
						got = append(got, hit(h.Resource, h.Actor, float64(sev)))
						if !strings.HasSuffix(h.Description, ".") || len(h.Description) < 20 {
							t.Errorf("description %q: want a sentence ending with a period", h.Description)
						}
					}
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("hits (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}

// TestEveryDetectionHasFixtures enforces STYLE.md: a testdata/<id>/
// directory, and cases that fire and cases that do not.
func TestEveryDetectionHasFixtures(t *testing.T) {
	for _, d := range All() {
		if _, err := os.Stat(filepath.Join("testdata", d.ID)); err != nil {
			t.Errorf("%s: no testdata directory: %v", d.ID, err)
		}
		fire, quiet := false, false
		for _, tc := range append(cases[d.ID], statefulCases[d.ID]...) {
			if len(tc.want) > 0 {
				fire = true
			} else {
				quiet = true
			}
		}
		if !fire || !quiet {
			t.Errorf("%s: want fixtures that fire and fixtures that do not (fire %v, quiet %v)", d.ID, fire, quiet)
		}
	}
	for id := range cases {
		found := false
		for _, d := range All() {
			found = found || d.ID == id
		}
		if !found {
			t.Errorf("cases for unknown detection %s", id)
		}
	}
}

func TestRegistry(t *testing.T) {
	if _, err := detect.NewRegistry(All()...); err != nil {
		t.Fatal(err)
	}
}
