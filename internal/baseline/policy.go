package baseline

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// StatusPermissions are the IAM actions Status calls in each account, with
// the audit role's credentials. A test checks every call against it.
var StatusPermissions = []string{
	"cloudtrail:DescribeTrails",
	"cloudtrail:GetTrailStatus",
	"config:DescribeConfigurationRecorderStatus",
	"config:DescribeConfigurationRecorders",
	"config:DescribeDeliveryChannelStatus",
	"ec2:DescribeFlowLogs",
	"ec2:DescribeVpcs",
	"guardduty:GetAdministratorAccount",
	"guardduty:GetDetector",
	"guardduty:ListDetectors",
}

// AuditActions returns the audit role's actions: every action a registered
// collector declares (inventory.Permissions) and StatusPermissions, sorted.
// Collectors register in init functions, so the caller must import the
// collectors' package for its side effects first.
func AuditActions() []string {
	set := map[string]bool{}
	for _, a := range inventory.Permissions() {
		set[a] = true
	}
	for _, a := range StatusPermissions {
		set[a] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// policyDocument is an IAM policy.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// AuditPolicy returns the audit role's permissions as one IAM policy
// document (indented JSON). The rendered template splits the same actions
// over several managed policies when one would be too large.
func AuditPolicy(actions []string) ([]byte, error) {
	if err := checkActions(actions); err != nil {
		return nil, err
	}
	doc := policyDocument{Version: "2012-10-17", Statement: []policyStatement{
		{Sid: "VigilRead", Effect: "Allow", Action: actions, Resource: "*"},
	}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("BUG: encode policy: %w", err)
	}
	return append(b, '\n'), nil
}

// checkActions rejects what IAM would: an empty list and malformed actions.
func checkActions(actions []string) error {
	if len(actions) == 0 {
		return fmt.Errorf("audit role: no actions (are the collectors registered?)")
	}
	for _, a := range actions {
		service, name, ok := strings.Cut(a, ":")
		if !ok || service == "" || name == "" || strings.ContainsAny(a, " \"*") {
			return fmt.Errorf("audit role: action %q: want service:Action", a)
		}
	}
	return nil
}

// maxPolicyChars is the size a managed policy may use out of IAM's 6,144
// characters (whitespace not counted), with room for the statement's
// frame.
const maxPolicyChars = 6000

// maxManagedPolicies is IAM's default quota of managed policies attached to
// one role.
const maxManagedPolicies = 10

// managedPolicy is one of the audit role's managed policies.
type managedPolicy struct {
	Actions     []string
	First, Last string
}

// splitPolicies packs sorted actions into managed policies under IAM's
// size limit.
func splitPolicies(actions []string) ([]managedPolicy, error) {
	if err := checkActions(actions); err != nil {
		return nil, err
	}
	var out []managedPolicy
	var cur []string
	size := 0
	for _, a := range actions {
		n := len(a) + 3 // quotes and comma
		if size+n > maxPolicyChars && len(cur) > 0 {
			out = append(out, managedPolicy{Actions: cur})
			cur, size = nil, 0
		}
		cur = append(cur, a)
		size += n
	}
	out = append(out, managedPolicy{Actions: cur})
	for i := range out {
		out[i].First, out[i].Last = out[i].Actions[0], out[i].Actions[len(out[i].Actions)-1]
	}
	if len(out) > maxManagedPolicies {
		return nil, fmt.Errorf("audit role: %d actions need %d managed policies, over IAM's default quota of %d per role", len(actions), len(out), maxManagedPolicies)
	}
	return out, nil
}
