package sigma

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCondition(t *testing.T) {
	names := []string{"_aux", "filter", "sel_a", "sel_b", "selection"}
	for _, tc := range []struct {
		in, want string // want "" means an error
	}{
		{"selection", "selection"},
		{"selection and not filter", "(selection and not filter)"},
		{"sel_a or sel_b and filter", "(sel_a or (sel_b and filter))"},
		{"(sel_a or sel_b) and filter", "((sel_a or sel_b) and filter)"},
		{"not not selection", "not not selection"},
		{"1 of sel_* and not filter", "((sel_a or sel_b) and not filter)"},
		{"all of sel_*", "(sel_a and sel_b)"},
		{"1 of selection*", "selection"},
		{"1 of them", "(filter or sel_a or sel_b or selection)"},
		{"all of them", "(filter and sel_a and sel_b and selection)"},
		{"any of sel*", "(sel_a or sel_b or selection)"},
		{"Selection", ""},
		{"SELECTION AND NOT filter", ""},
		{"selection AND NOT filter", "(selection and not filter)"},
		{"((selection))", "selection"},
		{"", ""},
		{"selection and", ""},
		{"(selection", ""},
		{"selection)", ""},
		{"sel_*", ""},
		{"1 of nothing*", ""},
		{"2 of sel_*", ""},
		{"1 of", ""},
		{"selection | count() > 5", ""},
		{"undefined", ""},
		{"selection filter", ""},
		{"not", ""},
		{"and selection", ""},
		{strings.Repeat("(", 100) + "selection" + strings.Repeat(")", 100), ""},
		{strings.Repeat("not ", 100) + "selection", ""},
	} {
		n, err := parseCondition(tc.in)
		if err == nil {
			n, err = resolve(n, names)
		}
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%q: got %s, want an error", tc.in, n)
		case tc.want != "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.want != "" && n.String() != tc.want:
			t.Errorf("%q: got %s, want %s", tc.in, n, tc.want)
		}
	}
	if _, err := parseCondition("selection | count() > 5"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("aggregation: %v, want ErrUnsupported", err)
	}
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"selection", "1 of sel_* and not filter", "all of them", "(a or b) and not (c or 1 of d*)",
		"not not a", "a | count() by x > 3", "((((", "1 of", "all of them or", "a and (b or c",
	} {
		f.Add(s)
	}
	names := []string{"a", "b", "c", "d1", "filter", "sel_x", "selection"}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCondition(s)
		if err != nil {
			return
		}
		_ = n.String()
		if r, err := resolve(n, names); err == nil {
			_ = r.String()
			// A resolved tree has no quantifiers left and parses again.
			again, err := parseCondition(r.String())
			if err == nil {
				_, err = resolve(again, names)
			}
			if err != nil {
				t.Fatalf("%q resolved to %q which does not parse: %v", s, r, err)
			}
		}
	})
}
