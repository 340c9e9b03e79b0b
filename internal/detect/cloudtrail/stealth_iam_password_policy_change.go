package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(passwordPolicyChange) }

var passwordPolicyChange = &detect.Detection{
	ID:        "stealth.iam_password_policy_change",
	Type:      "Stealth:IAMUser/PasswordPolicyChange",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "The account password policy was weakened",
	Description: "UpdateAccountPasswordPolicy set a policy weaker than the CIS AWS Foundations baseline (length of at " +
		"least 14, the four character classes, reuse prevention of at least 5), or DeleteAccountPasswordPolicy removed " +
		"the policy; attempts that failed count too, as in GuardDuty. CloudTrail does not record the previous policy, " +
		"so the severity says how far the new policy falls short of the baseline: one point for a length of 8 to 13 " +
		"(three below 8), one per character class not required, one for reuse prevention below 5; 1–2 points Low, " +
		"3–4 Medium, 5 or more High; a deleted policy is High. A policy meeting the baseline is no finding. Parameters " +
		"left out take AWS's defaults (length 6, nothing required).",
	FalsePositives: "Administrators aligning the policy with an identity provider that enforces its own rules " +
		"(SSO-only accounts). Suppress by account when console passwords are not used there.",
	Key:       "the account's password policy",
	Technique: "T1556",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" {
			return nil
		}
		attempt := ""
		if !succeeded(e) {
			attempt = " (attempted; " + e.ErrorCode + ")"
		}
		if e.EventName == "DeleteAccountPasswordPolicy" {
			return &detect.Hit{Resource: "password-policy", Severity: vigil.SeverityHigh,
				Description: fmt.Sprintf("The password policy of account %s was deleted by %s%s%s.", owner(e), caller(e), from(e), attempt)}
		}
		points, weak := passwordWeakness(params(e))
		if points == 0 {
			return nil
		}
		sev := vigil.SeverityLow
		switch {
		case points >= 5:
			sev = vigil.SeverityHigh
		case points >= 3:
			sev = vigil.SeverityMedium
		}
		return &detect.Hit{Resource: "password-policy", Severity: sev, Info: map[string]string{"weaknesses": strings.Join(weak, "; ")},
			Description: fmt.Sprintf("The password policy of account %s was weakened by %s%s%s: %s.", owner(e), caller(e), from(e), attempt, strings.Join(weak, "; "))}
	},
}

// passwordWeakness scores a requested password policy against the
// baseline and says what falls short.
func passwordWeakness(p map[string]any) (int, []string) {
	points := 0
	var weak []string
	length := 6.0 // AWS's default when the parameter is left out
	if n, ok := number(get(p, "minimumPasswordLength")); ok {
		length = n
	}
	switch {
	case length < 8:
		points += 3
		weak = append(weak, fmt.Sprintf("minimum length %g", length))
	case length < 14:
		points++
		weak = append(weak, fmt.Sprintf("minimum length %g", length))
	}
	for _, c := range []struct{ key, name string }{
		{"requireSymbols", "symbols"}, {"requireNumbers", "numbers"},
		{"requireUppercaseCharacters", "upper case"}, {"requireLowercaseCharacters", "lower case"},
	} {
		if v, _ := flag(get(p, c.key)); !v {
			points++
			weak = append(weak, c.name+" not required")
		}
	}
	if n, _ := number(get(p, "passwordReusePrevention")); n < 5 {
		points++
		weak = append(weak, fmt.Sprintf("reuse prevention %g", n))
	}
	return points, weak
}
