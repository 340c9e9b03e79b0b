package catalog

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
)

var update = flag.Bool("update", false, "rewrite docs/detections.md")

const docPath = "../../../docs/detections.md"

// TestDetectionsDoc fails when docs/detections.md is not what the registry
// renders; go generate (or -update) rewrites it.
func TestDetectionsDoc(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	want := Markdown(reg)
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("docs/detections.md is stale; run go generate ./internal/detect/catalog (-want +got):\n%s", diff)
	}
	for _, d := range reg.All() {
		if !strings.Contains(string(got), "\n### "+d.ID+"\n") {
			t.Errorf("%s is not documented", d.ID)
		}
	}
}

// guardDutyTypes are GuardDuty's finding types over CloudTrail, S3 data
// events and flow logs (shared/notes/guardduty.md, section a).
var guardDutyTypes = strings.Fields(`
CredentialAccess:IAMUser/AnomalousBehavior DefenseEvasion:IAMUser/AnomalousBehavior DefenseEvasion:IAMUser/BedrockLoggingDisabled
Discovery:IAMUser/AnomalousBehavior Exfiltration:IAMUser/AnomalousBehavior Impact:IAMUser/AnomalousBehavior
InitialAccess:IAMUser/AnomalousBehavior PenTest:IAMUser/KaliLinux PenTest:IAMUser/ParrotLinux PenTest:IAMUser/PentooLinux
Persistence:IAMUser/AnomalousBehavior Policy:IAMUser/RootCredentialUsage Policy:IAMUser/ShortTermRootCredentialUsage
PrivilegeEscalation:IAMUser/AnomalousBehavior Recon:IAMUser/MaliciousIPCaller Recon:IAMUser/MaliciousIPCaller.Custom
Recon:IAMUser/TorIPCaller Stealth:IAMUser/CloudTrailLoggingDisabled Stealth:IAMUser/PasswordPolicyChange
UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS
UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS UnauthorizedAccess:IAMUser/MaliciousIPCaller
UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom UnauthorizedAccess:IAMUser/TorIPCaller
UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.InsideAWS
Discovery:S3/AnomalousBehavior Discovery:S3/MaliciousIPCaller Discovery:S3/MaliciousIPCaller.Custom Discovery:S3/TorIPCaller
Exfiltration:S3/AnomalousBehavior Exfiltration:S3/MaliciousIPCaller Impact:S3/AnomalousBehavior.Delete
Impact:S3/AnomalousBehavior.Permission Impact:S3/AnomalousBehavior.Write Impact:S3/MaliciousIPCaller PenTest:S3/KaliLinux
PenTest:S3/ParrotLinux PenTest:S3/PentooLinux Policy:S3/AccountBlockPublicAccessDisabled Policy:S3/BucketAnonymousAccessGranted
Policy:S3/BucketBlockPublicAccessDisabled Policy:S3/BucketPublicAccessGranted Stealth:S3/ServerAccessLoggingDisabled
UnauthorizedAccess:S3/MaliciousIPCaller.Custom UnauthorizedAccess:S3/TorIPCaller
Backdoor:EC2/C&CActivity.B Backdoor:EC2/Spambot Behavior:EC2/NetworkPortUnusual Behavior:EC2/TrafficVolumeUnusual
Impact:EC2/PortSweep Recon:EC2/PortProbeUnprotectedPort Recon:EC2/Portscan UnauthorizedAccess:EC2/MaliciousIPCaller.Custom
UnauthorizedAccess:EC2/RDPBruteForce UnauthorizedAccess:EC2/SSHBruteForce UnauthorizedAccess:EC2/TorClient
`)

// TestNamespaces checks that GuardDuty-namespace types are GuardDuty's and
// that Vigil's never reuse a GuardDuty name.
func TestNamespaces(t *testing.T) {
	known := map[string]bool{}
	for _, ty := range guardDutyTypes {
		known[ty] = true
	}
	for _, d := range All() {
		if got := known[d.Type]; got != (d.Namespace == detect.NamespaceGuardDuty) {
			t.Errorf("%s: type %s in namespace %s, known to GuardDuty: %v", d.ID, d.Type, d.Namespace, got)
		}
	}
}

func TestCatalogFiles(t *testing.T) {
	// Each detection lives in internal/detect/<source>/<id with '.' as '_'>.go.
	for _, d := range All() {
		path := filepath.Join("..", d.Source, strings.ReplaceAll(d.ID, ".", "_")+".go")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", d.ID, err)
			continue
		}
		if !strings.Contains(string(b), `ID:        "`+d.ID+`"`) && !strings.Contains(string(b), `"`+d.ID+`"`) {
			t.Errorf("%s is not defined in %s", d.ID, path)
		}
	}
}
