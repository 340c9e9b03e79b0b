package synth

import (
	"cmp"
	"slices"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// TypeScore is how the findings of one type compare with the labels.
type TypeScore struct {
	Type string `json:"type"`
	// Injected is the number of labels of the type; Found of them were
	// reported.
	Injected int `json:"injected"`
	Found    int `json:"found"`
	// Recall is Found/Injected (1 when nothing was injected).
	Recall float64 `json:"recall"`
	// FalsePositives are findings of the type that no label explains.
	FalsePositives int `json:"false_positives"`
}

// Score compares a run's findings with its labels.
type Score struct {
	Types []TypeScore `json:"types"`
	// Missed are the labels no finding explains; Unexplained the
	// findings no label explains (false positives).
	Missed      []Label         `json:"missed"`
	Unexplained []vigil.Finding `json:"unexplained"`
	Findings    int             `json:"findings"`
	Injected    int             `json:"injected"`
	Found       int             `json:"found"`
}

// Recall is the share of labels found (1 when there are none).
func (s *Score) Recall() float64 { return ratio(s.Found, s.Injected) }

// Perfect reports whether every label was found and every finding explained.
func (s *Score) Perfect() bool { return s.Found == s.Injected && len(s.Unexplained) == 0 }

func ratio(found, injected int) float64 {
	if injected == 0 {
		return 1
	}
	return float64(found) / float64(injected)
}

// explains reports whether label l accounts for finding f: the same type
// and account, and evidence sharing a record with the label's.
func (l *Label) explains(f *vigil.Finding) bool {
	if f.Type != l.Type || f.AccountID != l.Account {
		return false
	}
	return shares(f.Evidence.EventIDs, l.EventIDs) || shares(f.Evidence.FlowKeys, l.FlowKeys)
}

func shares(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	set := make(map[string]bool, len(b))
	for _, s := range b {
		set[s] = true
	}
	for _, s := range a {
		if set[s] {
			return true
		}
	}
	return false
}

// Score compares findings with the labels: per finding type, how many
// labels were injected and found, and how many findings no label explains
// (archived findings count like the others: a suppression rule does not
// make a detector right). Types of the labels come first, sorted, then
// types that only have false positives.
func (l *Labels) Score(findings []vigil.Finding) Score {
	s := Score{Findings: len(findings), Injected: len(l.Labels), Missed: []Label{}, Unexplained: []vigil.Finding{}}
	rows := map[string]*TypeScore{}
	row := func(t string) *TypeScore {
		if rows[t] == nil {
			rows[t] = &TypeScore{Type: t}
		}
		return rows[t]
	}
	for _, t := range l.Types {
		row(t)
	}
	for i := range l.Labels {
		lb := &l.Labels[i]
		r := row(lb.Type)
		r.Injected++
		found := false
		for j := range findings {
			if lb.explains(&findings[j]) {
				found = true
				break
			}
		}
		if found {
			r.Found++
			s.Found++
		} else {
			s.Missed = append(s.Missed, *lb)
		}
	}
	for j := range findings {
		f := &findings[j]
		explained := false
		for i := range l.Labels {
			if l.Labels[i].explains(f) {
				explained = true
				break
			}
		}
		if !explained {
			row(f.Type).FalsePositives++
			s.Unexplained = append(s.Unexplained, *f)
		}
	}
	for _, r := range rows {
		r.Recall = ratio(r.Found, r.Injected)
		s.Types = append(s.Types, *r)
	}
	slices.SortFunc(s.Types, func(a, b TypeScore) int {
		return cmp.Or(cmp.Compare(min(b.Injected, 1), min(a.Injected, 1)), cmp.Compare(a.Type, b.Type))
	})
	return s
}
