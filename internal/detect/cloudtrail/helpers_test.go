package cloudtrail

import "testing"

func TestAccountOf(t *testing.T) {
	for in, want := range map[string]string{
		"123456789012": "123456789012", "arn:aws:iam::123456789012:root": "123456789012",
		"arn:aws-cn:iam::123456789012:role/x": "123456789012", "*": "", "s3.amazonaws.com": "",
		"AIDAEXAMPLE": "", "12345678901": "", "arn:aws:iam::*:root": "",
	} {
		if got := accountOf(in); got != want {
			t.Errorf("accountOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWildcardExposure(t *testing.T) {
	for _, tc := range []struct {
		policy string
		want   exposure
	}{
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`, exposureAnonymous},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`, exposureNone},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`, exposureAnonymous},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":["o-a/r-b/*"]}}}]}`, exposureNone},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}]}`, exposureAuthenticated},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}]}`, exposureNone},
	} {
		st := statements(tc.policy)
		if len(st) != 1 {
			t.Fatalf("%s: %d statements", tc.policy, len(st))
		}
		if got := st[0].wildcardExposure(); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.policy, got, tc.want)
		}
	}
	if st := statements(`not json`); st != nil {
		t.Error("statements of garbage")
	}
}

func TestDistro(t *testing.T) {
	for ua, want := range map[string]bool{
		"aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023": true,
		"aws-cli/2.15.0 md/distrib#kali.2024":                                       true,
		"Boto3/1.34 os/linux#6.6.9-KALI1-amd64":                                     true,
		"aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-1016-aws":                         false,
		"console.amazonaws.com kalimero":                                            false,
		"":                                                                          false,
	} {
		if got := kaliDistro.in(ua); got != want {
			t.Errorf("kali in %q: %v", ua, got)
		}
	}
}

// TestModelMembers: the shared models name their members' IDs right (a
// hit for an unknown ID would be dropped).
func TestModelMembers(t *testing.T) {
	ids := map[string]bool{}
	for _, d := range All() {
		ids[d.ID] = true
	}
	for _, id := range []string{exfilInsideID, exfilOutsideID} {
		if !ids[id] {
			t.Errorf("instance credentials model reports for %s, which is no detection", id)
		}
	}
	for tactic, id := range anomalyIDs {
		if !ids[id] || tacticAPIs[tactic] == nil && tactic != tacticDiscovery {
			t.Errorf("tactic %s: detection %s", tactic, id)
		}
	}
	if len(anomalyIDs) != 8 {
		t.Errorf("%d AnomalousBehavior detections, want 8", len(anomalyIDs))
	}
}
