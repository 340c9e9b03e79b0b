package cloudtrail

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/detect"
)

// sharedWith sorts the accounts a resource is being shared with into the
// external ones (outside the organization; see detect.Context.External)
// and reports whether it is made public ("all", "*").
func sharedWith(c *detect.Context, owner string, values []string) (external []string, public bool) {
	for _, v := range values {
		switch v {
		case "all", "*":
			public = true
			continue
		}
		if a := accountOf(v); a != "" && c.External(a, owner) && !slices.Contains(external, a) {
			external = append(external, a)
		}
	}
	slices.Sort(external)
	return external, public
}

// addedPermissions returns the userId and group values of an EC2
// permission-change element ({"add": {"items": [{"userId": …}, {"group": "all"}]}}).
func addedPermissions(v any) []string {
	var out []string
	for _, it := range list(get(v, "add", "items")) {
		if u := text(get(it, "userId")); u != "" {
			out = append(out, u)
		}
		if g := text(get(it, "group")); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// shareTarget describes who a resource was shared with, for descriptions.
func shareTarget(external []string, public bool) string {
	switch {
	case public && len(external) > 0:
		return "everyone (public) and external accounts " + joinSettings(external)
	case public:
		return "everyone (public)"
	case len(external) == 1:
		return "external account " + external[0]
	}
	return "external accounts " + joinSettings(external)
}

// shareActor keys a sharing finding by who it was shared with.
func shareActor(external []string, public bool) string {
	if public {
		return "public"
	}
	return joinSettings(external)
}
