package checks

import (
	"encoding/json"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// ec2Supp sets a supplementaryConfiguration key of it (the test's own
// JSON) and returns it.
func ec2Supp(it *inventory.Item, key, value string) *inventory.Item {
	if !json.Valid([]byte(value)) {
		panic("bad test supplementary configuration: " + value)
	}
	if it.SupplementaryConfiguration == nil {
		it.SupplementaryConfiguration = map[string]json.RawMessage{}
	}
	it.SupplementaryConfiguration[key] = json.RawMessage(value)
	return it
}

// ec2Failed records a failed per-resource call on it and returns it.
func ec2Failed(it *inventory.Item, permission, code string) *inventory.Item {
	it.Errors = append(it.Errors, inventory.CallError{Permission: permission, Code: code, Region: it.Region, Resource: it.ResourceID})
	return it
}

// ec2Items joins item lists.
func ec2Items(lists ...[]*inventory.Item) []*inventory.Item {
	var out []*inventory.Item
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
