package catalog

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
)

// recordings maps each Stratus Red Team recording to the finding types it
// must produce: exactly these, no others. A nil entry is a technique no
// detection covers yet; the comment names what in issue 3 will.
var recordings = map[string][]string{
	"aws.defense-evasion.cloudtrail-event-selectors.json":              {"Stealth:IAMUser/CloudTrailLoggingDisabled"},
	"aws.exfiltration.ec2-share-ebs-snapshot.json":                     {"Exfiltration:EC2/SnapshotSharedExternally"},
	"aws.persistence.iam-backdoor-role.json":                           {"Persistence:IAMUser/RoleTrustPolicyExternal"},
	"aws.persistence.iam-create-admin-user.json":                       {"Persistence:IAMUser/AccessKeyForOtherUser"},
	"aws.persistence.iam-create-user-login-profile.json":               {"Persistence:IAMUser/LoginProfileForOtherUser"},
	"aws.privilege-escalation.iam-update-user-login-profile.json":      {"PrivilegeEscalation:IAMUser/OtherUserPasswordReset"},
	"aws.credential-access.ec2-get-password-data.json":                 nil, // CredentialAccess:IAMUser/AnomalousBehavior
	"aws.credential-access.secretsmanager-batch-retrieve-secrets.json": nil, // CredentialAccess:IAMUser/AnomalousBehavior
	"aws.credential-access.ssm-retrieve-securestring-parameters.json":  nil, // CredentialAccess:IAMUser/AnomalousBehavior
	"aws.defense-evasion.dns-delete-logs.json":                         nil, // DefenseEvasion:IAMUser/AnomalousBehavior
	"aws.defense-evasion.vpc-remove-flow-logs.json":                    nil, // DefenseEvasion:IAMUser/AnomalousBehavior
	"aws.execution.ec2-launch-unusual-instances.json":                  nil, // Persistence/Impact:IAMUser/AnomalousBehavior
	"aws.execution.ssm-send-command.json":                              nil, // AnomalousBehavior (first SendCommand)
	"aws.exfiltration.ec2-security-group-open-port-22-ingress.json":    nil, // Impact:IAMUser/AnomalousBehavior
	"aws.impact.bedrock-invoke-model.json":                             nil, // Impact:IAMUser/AnomalousBehavior
	"aws.lateral-movement.ec2-instance-connect.json":                   nil, // InitialAccess:IAMUser/AnomalousBehavior
	"aws.persistence.lambda-layer-extension.json":                      nil, // Persistence:IAMUser/AnomalousBehavior
	"aws.persistence.rolesanywhere-create-trust-anchor.json":           nil, // Persistence:IAMUser/AnomalousBehavior
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
	// The copies must match the shared originals when those are at hand.
	for name := range recordings {
		orig, err := os.ReadFile(filepath.Join("../../../../shared/data/cloudtrail/attack-recordings", name))
		if err != nil {
			continue
		}
		copied, _ := os.ReadFile(filepath.Join("testdata/attack-recordings", name))
		if string(orig) != string(copied) {
			t.Errorf("testdata/attack-recordings/%s differs from the shared recording", name)
		}
	}
}
