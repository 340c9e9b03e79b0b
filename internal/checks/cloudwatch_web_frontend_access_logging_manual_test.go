package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
)

func TestWebFrontendAccessLoggingManual(t *testing.T) {
	runCases(t, "cloudwatch_web_frontend_access_logging_manual", []checkCase{
		{"always manual", regions("us-east-1"), []want{{compliance.Manual, testAccount, "CloudFront distributions, load balancers"}}},
	})
}
