package collect

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// iamItemError records a failed per-resource call on it. It returns err
// only when ctx is done (the collection is being cancelled).
func iamItemError(ctx context.Context, it *inventory.Item, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ce *inventory.CallError
	if errors.As(err, &ce) {
		it.Errors = append(it.Errors, *ce)
	} else {
		it.Errors = append(it.Errors, inventory.CallError{Code: "Error", Message: err.Error()})
	}
	return nil
}

// iamConfWith renders v in Config's form with the extra keys added.
func iamConfWith(v any, extra map[string]any) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(inventory.ConfigJSON(v), &m) != nil || m == nil {
		m = map[string]any{}
	}
	for k, x := range extra {
		m[k] = x
	}
	return inventory.ConfigJSON(m)
}
