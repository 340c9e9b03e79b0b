package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestConfigRecorderAllRegionsEnabled(t *testing.T) {
	const typ = collect.TypeConfigRecorder
	rec := func(region, conf string) *inventory.Item { return item(typ, region, "default", conf) }
	global := `{"name":"default","recording":true,"lastStatus":"SUCCESS","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":true}}`
	regional := `{"name":"default","recording":true,"lastStatus":"SUCCESS","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":false}}`
	runCases(t, "config_recorder_all_regions_enabled", []checkCase{
		{"all regions recording, global in one", append(regions("eu-west-1", "us-east-1"), rec("eu-west-1", regional), rec("us-east-1", global)),
			[]want{{compliance.Pass, "default", "eu-west-1"}, {compliance.Pass, "default", "global resource types"}, {compliance.Pass, "default", "us-east-1"}}},
		{"Config spelling and recording strategy", append(regions("us-east-1"), rec("us-east-1",
			`{"Name":"default","Recording":true,"LastStatus":"Pending","RecordingGroup":{"AllSupported":false,"IncludeGlobalResourceTypes":true,"RecordingStrategy":{"UseOnly":"ALL_SUPPORTED_RESOURCE_TYPES"}}}`)),
			[]want{{compliance.Pass, "default", "global"}, {compliance.Pass, "default", "in us-east-1"}}},
		{"missing region and no global", append(regions("eu-west-1", "us-east-1"), rec("us-east-1", regional)),
			[]want{{compliance.Fail, "", "no configuration recorder in eu-west-1"}, {compliance.Fail, "", "records global resource types"}, {compliance.Pass, "default", ""}}},
		{"stopped, selective and failing recorders fail", append(regions("ap-south-1", "eu-west-1", "us-east-1"),
			rec("ap-south-1", `{"recording":false,"recordingGroup":{"allSupported":true}}`),
			rec("eu-west-1", `{"recording":true,"recordingGroup":{"allSupported":false,"resourceTypes":["AWS::EC2::Instance"]}}`),
			rec("us-east-1", `{"recording":true,"lastStatus":"FAILURE","lastErrorCode":"AccessDenied","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":true}}`)),
			[]want{{compliance.Fail, "default", "not recording"}, {compliance.Fail, "default", "selected resource types"}, {compliance.Fail, "", "global"}, {compliance.Fail, "default", "last recording failed (AccessDenied)"}}},
		{"status denied and listing denied are errors", append(regions("eu-west-1", "us-east-1"),
			withErrors(rec("us-east-1", `{"name":"default","recordingGroup":{"allSupported":true}}`), "config:DescribeConfigurationRecorderStatus", "AccessDeniedException"),
			gap(typ, "eu-west-1", "config:DescribeConfigurationRecorders", "AccessDeniedException")),
			[]want{{compliance.Error, "", "missing permission config:DescribeConfigurationRecorders"}, {compliance.Error, "", "global resource recording unknown"},
				{compliance.Error, "default", "missing permission config:DescribeConfigurationRecorderStatus"}}},
	})
}
