package sigma

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// apiName is how CloudTrail spells eventName values.
var apiName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// requiredEvents returns the eventNames an event must have for the
// condition to hold, for detect.Detection.Events (the engine then calls
// Match only for them), or nil when the condition does not pin eventName
// to plain values spelled as CloudTrail spells them. The engine compares
// eventNames exactly, so a rule must write them in CloudTrail's case
// (StopLogging), as rules do; other spellings disable the pre-filter.
func requiredEvents(n *node) []string {
	set, ok := required(n)
	if !ok || len(set) == 0 {
		return nil
	}
	for name := range set {
		if !apiName.MatchString(name) {
			return nil
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func required(n *node) (map[string]bool, bool) {
	switch n.kind {
	case nodeIdent:
		set := map[string]bool{}
		for _, alt := range n.sel.alts {
			found := false
			for i := range alt {
				fc := &alt[i]
				if strings.EqualFold(fc.f.name, "eventName") && fc.exists == nil && len(fc.literals) > 0 {
					for _, l := range fc.literals {
						set[l] = true
					}
					found = true
					break
				}
			}
			if !found {
				return nil, false
			}
		}
		return set, true
	case nodeOr:
		set := map[string]bool{}
		for _, k := range n.kids {
			s, ok := required(k)
			if !ok {
				return nil, false
			}
			maps.Copy(set, s)
		}
		return set, true
	case nodeAnd:
		var set map[string]bool
		for _, k := range n.kids {
			s, ok := required(k)
			if !ok {
				continue
			}
			if set == nil {
				set = s
				continue
			}
			maps.DeleteFunc(set, func(name string, _ bool) bool { return !s[name] })
		}
		return set, set != nil
	}
	return nil, false
}
