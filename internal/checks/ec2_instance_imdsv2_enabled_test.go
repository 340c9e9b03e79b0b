package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2InstanceIMDSv2Enabled(t *testing.T) {
	const typ = collect.TypeEC2Instance
	inst := func(id, md string) *inventory.Item {
		return item(typ, "us-east-1", id, `{"instanceId":"`+id+`","state":{"name":"running"}`+md+`}`)
	}
	runCases(t, "ec2_instance_imdsv2_enabled", []checkCase{
		{"required passes", []*inventory.Item{inst("i-1", `,"metadataOptions":{"httpTokens":"required","httpEndpoint":"enabled"}`)},
			[]want{{compliance.Pass, "i-1", "requires IMDSv2"}}},
		{"endpoint disabled passes", []*inventory.Item{inst("i-2", `,"metadataOptions":{"httpTokens":"optional","httpEndpoint":"disabled"}`)},
			[]want{{compliance.Pass, "i-2", "disabled"}}},
		{"optional fails (Config's sample)", []*inventory.Item{inst("i-3", `,"metadataOptions":{"state":"applied","httpTokens":"optional","httpPutResponseHopLimit":1,"httpEndpoint":"enabled"}`)},
			[]want{{compliance.Fail, "i-3", "accepts IMDSv1 requests (httpTokens optional)"}}},
		{"not recorded is an error", []*inventory.Item{inst("i-4", ``)},
			[]want{{compliance.Error, "i-4", "metadata options were not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeInstances", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeInstances"}}},
	})
}
