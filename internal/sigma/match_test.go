package sigma

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// rule wraps a detection section (indented by two spaces) in a CloudTrail rule.
func rule(detection string) []byte {
	return []byte("title: Test Rule\nid: 00000000-0000-4000-8000-000000000001\nlevel: medium\n" +
		"logsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection)
}

var (
	stopLogging = vigil.Event{
		EventSource: "cloudtrail.amazonaws.com", EventName: "StopLogging", AWSRegion: "eu-west-1",
		SourceIPAddress: "203.0.113.7", UserAgent: "aws-cli/2.15.0 Python/3.11 Linux/6.5.0-kali3-amd64",
		UserIdentity: vigil.UserIdentity{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/Admin/alice",
			SessionContext: &vigil.SessionContext{MFAAuthenticated: "false",
				SessionIssuer: &vigil.SessionIssuer{Type: "Role", UserName: "Admin"}}},
		RequestParameters:  `{"name":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"}`,
		RecipientAccountID: "111122223333",
		Resources:          []vigil.Resource{{ARN: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail", Type: "AWS::CloudTrail::Trail"}},
	}
	rootLogin = vigil.Event{
		EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin", SourceIPAddress: "2001:db8::5",
		UserIdentity:        vigil.UserIdentity{Type: "Root", ARN: "arn:aws:iam::111122223333:root"},
		ResponseElements:    `{"ConsoleLogin":"Success"}`,
		AdditionalEventData: `{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com/"}`,
	}
	authorize = vigil.Event{
		EventSource: "ec2.amazonaws.com", EventName: "AuthorizeSecurityGroupIngress", SourceIPAddress: "ec2.amazonaws.com",
		ErrorCode: "Client.UnauthorizedOperation",
		RequestParameters: `{"groupId":"sg-1","ipPermissions":{"items":[{"fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}},` +
			`{"fromPort":3389,"toPort":3389,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]},"dryRun":false,"note":null}`,
	}
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name      string
		detection string
		event     *vigil.Event
		want      bool
	}{
		{"exact", "  sel:\n    eventName: StopLogging\n  condition: sel\n", &stopLogging, true},
		{"exact ignores case", "  sel:\n    eventName: stoplogging\n  condition: sel\n", &stopLogging, true},
		{"exact other", "  sel:\n    eventName: StartLogging\n  condition: sel\n", &stopLogging, false},
		{"map is and", "  sel:\n    eventName: StopLogging\n    awsRegion: us-east-1\n  condition: sel\n", &stopLogging, false},
		{"value list is or", "  sel:\n    eventName: [DeleteTrail, StopLogging]\n  condition: sel\n", &stopLogging, true},
		{"list of maps is or", "  sel:\n    - eventName: DeleteTrail\n    - awsRegion: eu-west-1\n  condition: sel\n", &stopLogging, true},
		{"wildcard star", "  sel:\n    userIdentity.arn: 'arn:aws:sts::*:assumed-role/admin/*'\n  condition: sel\n", &stopLogging, true},
		{"wildcard question", "  sel:\n    eventName: 'Stop?ogging'\n  condition: sel\n", &stopLogging, true},
		{"wildcard anchored", "  sel:\n    eventName: 'Stop*g'\n  condition: sel\n", &stopLogging, true},
		{"wildcard anchored miss", "  sel:\n    eventName: 'top*'\n  condition: sel\n", &stopLogging, false},
		{"escaped star is literal", "  sel:\n    eventName: 'Stop\\*'\n  condition: sel\n", &stopLogging, false},
		{"contains", "  sel:\n    userAgent|contains: KALI\n  condition: sel\n", &stopLogging, true},
		{"contains wildcard", "  sel:\n    userAgent|contains: 'linux/*kali'\n  condition: sel\n", &stopLogging, true},
		{"startswith", "  sel:\n    userAgent|startswith: AWS-CLI/2.\n  condition: sel\n", &stopLogging, true},
		{"endswith", "  sel:\n    userAgent|endswith: amd64\n  condition: sel\n", &stopLogging, true},
		{"endswith miss", "  sel:\n    userAgent|endswith: arm64\n  condition: sel\n", &stopLogging, false},
		{"contains all", "  sel:\n    userAgent|contains|all: [aws-cli, kali]\n  condition: sel\n", &stopLogging, true},
		{"contains all miss", "  sel:\n    userAgent|contains|all: [aws-cli, parrot]\n  condition: sel\n", &stopLogging, false},
		{"cased", "  sel:\n    eventName|cased: stoplogging\n  condition: sel\n", &stopLogging, false},
		{"re", "  sel:\n    userAgent|re: 'Linux/\\d+\\.\\d+\\.\\d+-kali'\n  condition: sel\n", &stopLogging, true},
		{"re is case-sensitive", "  sel:\n    userAgent|re: 'linux/.*KALI'\n  condition: sel\n", &stopLogging, false},
		{"re i", "  sel:\n    userAgent|re|i: 'linux/.*KALI'\n  condition: sel\n", &stopLogging, true},
		{"cidr v4", "  sel:\n    sourceIPAddress|cidr: 203.0.113.0/24\n  condition: sel\n", &stopLogging, true},
		{"cidr v4 miss", "  sel:\n    sourceIPAddress|cidr: 198.51.100.0/24\n  condition: sel\n", &stopLogging, false},
		{"cidr v6", "  sel:\n    sourceIPAddress|cidr: '2001:db8::/32'\n  condition: sel\n", &rootLogin, true},
		{"cidr on a hostname", "  sel:\n    sourceIPAddress|cidr: 0.0.0.0/0\n  condition: sel\n", &authorize, false},
		{"null absent", "  sel:\n    errorCode: null\n  condition: sel\n", &stopLogging, true},
		{"null present", "  sel:\n    errorCode: null\n  condition: sel\n", &authorize, false},
		{"empty string absent", "  sel:\n    errorCode: ''\n  condition: sel\n", &stopLogging, true},
		{"exists", "  sel:\n    errorCode|exists: true\n  condition: sel\n", &authorize, true},
		{"not exists", "  sel:\n    errorCode|exists: false\n  condition: sel\n", &authorize, false},
		{"nested identity", "  sel:\n    userIdentity.sessionContext.sessionIssuer.userName: admin\n    userIdentity.sessionContext.attributes.mfaAuthenticated: 'false'\n  condition: sel\n", &stopLogging, true},
		{"nil session context", "  sel:\n    userIdentity.sessionContext.sessionIssuer.userName: admin\n  condition: sel\n", &rootLogin, false},
		{"resources", "  sel:\n    resources.type: 'AWS::CloudTrail::Trail'\n  condition: sel\n", &stopLogging, true},
		{"request parameter", "  sel:\n    requestParameters.name|endswith: trail/org-trail\n  condition: sel\n", &stopLogging, true},
		{"response element", "  sel:\n    responseElements.ConsoleLogin: success\n    userIdentity.type: root\n  condition: sel\n", &rootLogin, true},
		{"additional event data", "  sel:\n    additionalEventData.MFAUsed: 'No'\n  condition: sel\n", &rootLogin, true},
		{"path through lists", "  sel:\n    requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0\n  condition: sel\n", &authorize, true},
		{"number", "  sel:\n    requestParameters.ipPermissions.items.fromPort: 3389\n  condition: sel\n", &authorize, true},
		{"gte", "  sel:\n    requestParameters.ipPermissions.items.toPort|gte: 3000\n  condition: sel\n", &authorize, true},
		{"bool", "  sel:\n    requestParameters.dryRun: false\n  condition: sel\n", &authorize, true},
		{"json null", "  sel:\n    requestParameters.note: null\n  condition: sel\n", &authorize, true},
		{"missing path is null", "  sel:\n    requestParameters.nothing.here: null\n  condition: sel\n", &authorize, true},
		{"object as json", "  sel:\n    requestParameters.ipPermissions|contains: '\"cidrIp\":\"0.0.0.0/0\"'\n  condition: sel\n", &authorize, true},
		{"raw document", "  sel:\n    requestParameters|contains: 'org-trail'\n  condition: sel\n", &stopLogging, true},
		{"no request parameters", "  sel:\n    requestParameters.name: x\n  condition: sel\n", &rootLogin, false},
		{"and not", "  sel:\n    eventSource: cloudtrail.amazonaws.com\n  filter:\n    userIdentity.arn|contains: /Admin/\n  condition: sel and not filter\n", &stopLogging, false},
		{"or parens", "  a:\n    eventName: X\n  b:\n    eventName: StopLogging\n  c:\n    awsRegion: eu-west-1\n  condition: (a or b) and c\n", &stopLogging, true},
		{"1 of", "  sel_a:\n    eventName: X\n  sel_b:\n    eventName: StopLogging\n  condition: 1 of sel_*\n", &stopLogging, true},
		{"all of", "  sel_a:\n    eventName: X\n  sel_b:\n    eventName: StopLogging\n  condition: all of sel_*\n", &stopLogging, false},
		{"1 of them", "  a:\n    eventName: X\n  b:\n    eventName: StopLogging\n  condition: 1 of them\n", &stopLogging, true},
		{"all of them", "  a:\n    eventName: StopLogging\n  b:\n    awsRegion: eu-west-1\n  condition: all of them\n", &stopLogging, true},
		{"condition list", "  a:\n    eventName: X\n  b:\n    eventName: StopLogging\n  condition: [a, b]\n", &stopLogging, true},
		{"field case", "  sel:\n    EventName: StopLogging\n    useridentity.TYPE: assumedrole\n  condition: sel\n", &stopLogging, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(rule(tc.detection), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Events) > 0 && !strings.Contains(strings.Join(d.Events, ","), tc.event.EventName) {
				if tc.want {
					t.Fatalf("Events %v leaves out %s", d.Events, tc.event.EventName)
				}
				return
			}
			if got := d.Match(tc.event, &detect.Context{}) != nil; got != tc.want {
				t.Errorf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule []byte
		is   error  // nil: any error
		says string // substring of the message
	}{
		{"keyword list", rule("  keywords:\n    - evil\n  condition: keywords\n"), ErrUnsupported, "keyword search"},
		{"keyword field", rule("  sel:\n    '|contains': evil\n  condition: sel\n"), ErrUnsupported, "keyword search"},
		{"windash", rule("  sel:\n    userAgent|windash: x\n  condition: sel\n"), ErrUnsupported, "modifier windash"},
		{"two ops", rule("  sel:\n    userAgent|contains|startswith: x\n  condition: sel\n"), ErrUnsupported, "contains|startswith"},
		{"lookahead", rule("  sel:\n    userAgent|re: 'a(?=b)'\n  condition: sel\n"), ErrUnsupported, "regular expression"},
		{"count", rule("  sel:\n    eventName: x\n  condition: sel | count() > 3\n"), ErrUnsupported, "aggregation"},
		{"timeframe", rule("  sel:\n    eventName: x\n  timeframe: 1h\n  condition: sel\n"), ErrUnsupported, "timeframe"},
		{"3 of", rule("  sel:\n    eventName: x\n  condition: 3 of sel*\n"), ErrUnsupported, "quantifier"},
		{"correlation", []byte("title: C\nid: x\ncorrelation:\n  type: event_count\n"), ErrUnsupported, "correlation"},
		{"collection", append(rule("  sel:\n    eventName: x\n  condition: sel\n"), "---\ntitle: second\n"...), ErrUnsupported, "multi-document"},
		{"category", []byte("title: T\nlogsource:\n  product: aws\n  service: cloudtrail\n  category: x\ndetection:\n  s:\n    eventName: x\n  condition: s\n"), ErrUnsupported, "category"},
		{"other product", []byte("title: T\nlogsource:\n  product: gcp\n  service: gcp.audit\ndetection:\n  s:\n    x: y\n  condition: s\n"), ErrSkipped, "gcp"},
		{"unknown field", rule("  sel:\n    userIdentity.nickname: x\n  condition: sel\n"), nil, "unknown field"},
		{"undefined identifier", rule("  sel:\n    eventName: x\n  condition: sel and other\n"), nil, "undefined"},
		{"bad cidr", rule("  sel:\n    sourceIPAddress|cidr: 10.0.0.0/33\n  condition: sel\n"), nil, "cidr"},
		{"bad level", []byte("title: T\nlevel: severe\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  s:\n    eventName: x\n  condition: s\n"), nil, "level"},
		{"no title", []byte("logsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  s:\n    eventName: x\n  condition: s\n"), nil, "title"},
		{"no condition", rule("  sel:\n    eventName: x\n"), nil, "condition"},
		{"bad yaml", []byte("title: [\n"), nil, "yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.rule, tc.name+".yml")
			if err == nil {
				t.Fatal("no error")
			}
			var re *RuleError
			if !errors.As(err, &re) || re.File != tc.name+".yml" {
				t.Errorf("%v is not a *RuleError for the file", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%v does not say %q", err, tc.says)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	for _, tc := range []struct {
		name, rule        string
		id, typ           string
		sev               vigil.Severity
		events, technique string
	}{
		{"uuid.yml", "title: Root Console Login!\nid: 6A3F0D7E-2b9c-4f1e-8d5a-0c4b7e9f1a22\nlevel: critical\ntags: [attack.T1078.004]\n",
			"sigma.6a3f0d7e_2b9c_4f1e_8d5a_0c4b7e9f1a22", "Sigma:IAMUser/RootConsoleLogin.6a3f0d7e", vigil.SeverityCritical, "ConsoleLogin", "T1078.004"},
		{"dir/No Id.yml", "title: a very long title that will not fit into a finding type\nlevel: informational\n",
			"sigma.file_no_id", "Sigma:IAMUser/AVeryLongTitleThatWillN.", vigil.SeverityLow, "ConsoleLogin", ""},
		{"nolevel.yml", "title: '***'\nid: short\n", "sigma.short", "Sigma:IAMUser/Rule.", vigil.SeverityMedium, "ConsoleLogin", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.rule+"logsource:\n  product: AWS\n  service: CloudTrail\ndetection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n"), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if d.ID != tc.id || !strings.HasPrefix(d.Type, tc.typ) || len(d.Type) > 50 || d.Severity != tc.sev ||
				strings.Join(d.Events, ",") != tc.events || d.Technique != tc.technique {
				t.Errorf("got ID %s type %s severity %v events %v technique %q", d.ID, d.Type, d.Severity, d.Events, d.Technique)
			}
			if _, err := detect.NewRegistry(&d); err != nil {
				t.Errorf("registry rejects it: %v", err)
			}
		})
	}
}
