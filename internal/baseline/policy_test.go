package baseline

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuditPolicy(t *testing.T) {
	b, err := AuditPolicy([]string{"ec2:DescribeVpcs", "iam:GetAccountPasswordPolicy"})
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := policyDocument{Version: "2012-10-17", Statement: []policyStatement{
		{Sid: "VigilRead", Effect: "Allow", Action: []string{"ec2:DescribeVpcs", "iam:GetAccountPasswordPolicy"}, Resource: "*"},
	}}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{nil, {"DescribeVpcs"}, {"ec2:*"}, {"ec2:"}} {
		if _, err := AuditPolicy(bad); err == nil {
			t.Errorf("AuditPolicy(%q): no error", bad)
		}
	}
}

func TestAuditActionsIncludeCollectorsAndStatus(t *testing.T) {
	got := map[string]bool{}
	for _, a := range AuditActions() {
		got[a] = true
	}
	for _, a := range append([]string{"iam:GetAccountPasswordPolicy", "sts:GetCallerIdentity", "ec2:DescribeRegions"}, StatusPermissions...) {
		if !got[a] {
			t.Errorf("AuditActions lacks %s", a)
		}
	}
}

func TestSplitPolicies(t *testing.T) {
	var actions []string
	for i := range 400 {
		actions = append(actions, fmt.Sprintf("service%03d:DescribeSomethingQuiteLong%03d", i, i))
	}
	ps, err := splitPolicies(actions)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 2 {
		t.Fatalf("%d policies for %d long actions", len(ps), len(actions))
	}
	var all []string
	for _, p := range ps {
		b, _ := json.Marshal(policyDocument{Version: "2012-10-17", Statement: []policyStatement{{Sid: "VigilRead10", Effect: "Allow", Action: p.Actions, Resource: "*"}}})
		if len(b) > 6144 {
			t.Errorf("policy of %s..%s: %d characters, over IAM's 6,144", p.First, p.Last, len(b))
		}
		all = append(all, p.Actions...)
	}
	if diff := cmp.Diff(actions, all); diff != "" {
		t.Errorf("actions lost or reordered (-want +got):\n%s", diff)
	}
	for i := range 3000 {
		actions = append(actions, fmt.Sprintf("more%04d:GetSomething%s", i, strings.Repeat("x", 20)))
	}
	if _, err := splitPolicies(actions); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Errorf("too many actions: error %v", err)
	}
}
