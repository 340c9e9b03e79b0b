package collect

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Helpers shared by the logging and monitoring collectors (CloudTrail,
// Config, CloudWatch, CloudWatch Logs, SNS, KMS, GuardDuty, Security Hub,
// Access Analyzer).

// noteCallError records a failed per-resource call on it. Errors that are
// not API call errors (a cancelled context) abort the collection anyway
// and are not recorded.
func noteCallError(it *inventory.Item, err error) {
	var ce *inventory.CallError
	if errors.As(err, &ce) {
		it.Errors = append(it.Errors, *ce)
	}
}

// configList renders a slice of SDK values in Config's form, as an empty
// list (not null) when there are none, so checks can tell "none" from "not
// recorded".
func configList(v any) json.RawMessage {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return json.RawMessage("[]")
	}
	return inventory.ConfigJSON(v)
}

// partitionOf returns the ARN partition of region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// configMap renders an SDK value in Config's form as a map, to add fields.
func configMap(v any) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(inventory.ConfigJSON(v), &m)
	return m
}
