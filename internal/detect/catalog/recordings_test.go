package catalog

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
)

// recordings maps each Stratus Red Team recording to the finding types it
// must produce: exactly these, no others.
var recordings = map[string][]string{
	"aws.credential-access.ec2-get-password-data.json":                 {"CredentialAccess:IAMUser/SecretsRetrievalBurst"},
	"aws.credential-access.secretsmanager-batch-retrieve-secrets.json": {"CredentialAccess:IAMUser/SecretsRetrievalBurst"},
	"aws.credential-access.ssm-retrieve-securestring-parameters.json":  {"CredentialAccess:IAMUser/SecretsRetrievalBurst"},
	"aws.defense-evasion.cloudtrail-event-selectors.json":              {"Stealth:IAMUser/CloudTrailLoggingDisabled"},
	"aws.defense-evasion.dns-delete-logs.json":                         {"Stealth:IAMUser/DNSQueryLoggingDisabled"},
	"aws.defense-evasion.vpc-remove-flow-logs.json":                    {"Stealth:IAMUser/VPCFlowLogsDeleted"},
	"aws.execution.ec2-launch-unusual-instances.json":                  {"Impact:EC2/AcceleratedInstancesLaunched"},
	"aws.execution.ssm-send-command.json":                              {"Execution:EC2/SSMShellCommandSent"},
	"aws.exfiltration.ec2-security-group-open-port-22-ingress.json":    {"Policy:EC2/SecurityGroupAdminPortPublic"},
	"aws.exfiltration.ec2-share-ebs-snapshot.json":                     {"Exfiltration:EC2/SnapshotSharedExternally"},
	"aws.impact.bedrock-invoke-model.json":                             {"Impact:Bedrock/ModelAccessEnabled", "Impact:Bedrock/ModelAccessEnabled"},
	"aws.lateral-movement.ec2-instance-connect.json":                   {"LateralMovement:EC2/InstanceConnectSSHKey", "LateralMovement:EC2/InstanceConnectSSHKey", "LateralMovement:EC2/InstanceConnectSSHKey"},
	"aws.persistence.iam-backdoor-role.json":                           {"Persistence:IAMUser/RoleTrustPolicyExternal"},
	"aws.persistence.iam-create-admin-user.json":                       {"Persistence:IAMUser/AccessKeyForOtherUser"},
	"aws.persistence.iam-create-user-login-profile.json":               {"Persistence:IAMUser/LoginProfileForOtherUser"},
	"aws.persistence.lambda-layer-extension.json":                      {"Persistence:Lambda/LayerAttached"},
	"aws.persistence.rolesanywhere-create-trust-anchor.json":           {"Persistence:RolesAnywhere/TrustAnchorCreated"},
	"aws.privilege-escalation.iam-update-user-login-profile.json":      {"PrivilegeEscalation:IAMUser/OtherUserPasswordReset"},
}

// TestAttackRecordings runs every detection over each recording, with the
// recording's own account as the organization (as the lake would have it).
func TestAttackRecordings(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/attack-recordings/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(recordings) {
		t.Errorf("%d recordings, %d expectations", len(files), len(recordings))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := recordings[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			events := detecttest.LoadEvents(t, path)
			c := &detect.Context{Accounts: map[string]bool{}}
			for i := range events {
				c.Accounts[detecttest.Partition(t, &events[i]).Account] = true
			}
			var got []string
			for _, f := range detecttest.Findings(t, reg, c, events) {
				got = append(got, f.Type)
				if len(f.Evidence.EventIDs) == 0 || f.Evidence.SQL == "" {
					t.Errorf("%s: no evidence", f.Type)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("finding types (-want +got):\n%s", diff)
			}
		})
	}
}
