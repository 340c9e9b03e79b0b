package synth

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/vigil"
)

func finding(typ, account string, events, flows []string) vigil.Finding {
	return vigil.Finding{ID: typ + account, Type: typ, AccountID: account, Evidence: vigil.Evidence{EventIDs: events, FlowKeys: flows}}
}

func TestScore(t *testing.T) {
	labels := &Labels{Types: []string{"A:X/One", "B:X/Two", "C:X/Three"}, Labels: []Label{
		{Scenario: "s1", Type: "A:X/One", Account: "111", EventIDs: []string{"e1", "e2"}},
		{Scenario: "s2", Type: "B:X/Two", Account: "111", FlowKeys: []string{"k1"}},
		{Scenario: "s2", Type: "C:X/Three", Account: "111", FlowKeys: []string{"k1"}},
		{Scenario: "s3", Type: "A:X/One", Account: "222", EventIDs: []string{"e9"}},
	}}
	for _, tc := range []struct {
		name        string
		findings    []vigil.Finding
		want        []TypeScore
		found, fps  int
		perfect     bool
		recallTimes int // recall * 100
	}{
		{"perfect", []vigil.Finding{
			finding("A:X/One", "111", []string{"e0", "e2"}, nil), finding("B:X/Two", "111", nil, []string{"k1"}),
			finding("C:X/Three", "111", nil, []string{"k0", "k1"}), finding("A:X/One", "222", []string{"e9"}, nil),
		}, []TypeScore{{"A:X/One", 2, 2, 1, 0}, {"B:X/Two", 1, 1, 1, 0}, {"C:X/Three", 1, 1, 1, 0}}, 4, 0, true, 100},
		{"nothing found", nil, []TypeScore{{"A:X/One", 2, 0, 0, 0}, {"B:X/Two", 1, 0, 0, 0}, {"C:X/Three", 1, 0, 0, 0}}, 0, 0, false, 0},
		{"wrong account, wrong type, unknown type", []vigil.Finding{
			finding("A:X/One", "222", []string{"e1"}, nil), finding("C:X/Three", "111", []string{"e1"}, nil),
			finding("Z:X/Other", "111", []string{"e1"}, nil), finding("B:X/Two", "111", nil, []string{"k1"}),
		}, []TypeScore{{"A:X/One", 2, 0, 0, 1}, {"B:X/Two", 1, 1, 1, 0}, {"C:X/Three", 1, 0, 0, 1}, {"Z:X/Other", 0, 0, 1, 1}}, 1, 3, false, 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := labels.Score(tc.findings)
			if diff := cmp.Diff(tc.want, s.Types); diff != "" {
				t.Errorf("types (-want +got):\n%s", diff)
			}
			if s.Found != tc.found || len(s.Unexplained) != tc.fps || s.Perfect() != tc.perfect || int(s.Recall()*100) != tc.recallTimes ||
				len(s.Missed) != s.Injected-s.Found || s.Findings != len(tc.findings) {
				t.Errorf("found %d, unexplained %d, perfect %v, recall %v, missed %d", s.Found, len(s.Unexplained), s.Perfect(), s.Recall(), len(s.Missed))
			}
		})
	}
	if s := (&Labels{}).Score(nil); !s.Perfect() || s.Recall() != 1 {
		t.Errorf("empty score %+v", s)
	}
}
