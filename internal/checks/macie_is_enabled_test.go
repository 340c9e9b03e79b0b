package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Macie's status is not collected, so the control is always manual; the
// reason names the regions to verify.
func TestMacieIsEnabled(t *testing.T) {
	runCases(t, "macie_is_enabled", []checkCase{
		{"scanned regions are named", regions("eu-west-1", "us-east-1"),
			[]want{{compliance.Manual, testAccount, "get-macie-session` in each region (eu-west-1, us-east-1)"}}},
		{"regions of Config's items", []*inventory.Item{s3Bucket("b", "ap-south-1", nil)},
			[]want{{compliance.Manual, testAccount, "(ap-south-1)"}}},
		{"nothing collected", nil, []want{{compliance.Manual, testAccount, "each region that holds S3 data"}}},
	})
}
