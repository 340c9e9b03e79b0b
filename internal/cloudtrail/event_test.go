package cloudtrail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// The records of records_s3.json (and of every other format's fixture),
// decoded by hand.
var (
	wantConsoleLogin = vigil.Event{
		EventVersion: "1.08",
		UserIdentity: vigil.UserIdentity{
			Type:        "IAMUser",
			PrincipalID: "AIDACKCEVSQ6C2EXAMPLE",
			ARN:         "arn:aws:iam::111122223333:user/JohnDoe",
			AccountID:   "111122223333",
			UserName:    "JohnDoe",
		},
		EventTime:           "2020-10-23T09:58:01Z",
		EventSource:         "signin.amazonaws.com",
		EventName:           "ConsoleLogin",
		AWSRegion:           "us-east-1",
		SourceIPAddress:     "192.0.2.10",
		UserAgent:           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.111 Safari/537.36",
		ResponseElements:    `{"ConsoleLogin":"Success"}`,
		AdditionalEventData: `{"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::111122223333:mfa/JohnDoe","MFAUsed":"Yes"}`,
		EventID:             "3d5a0ee4-e7f2-4e4c-8bd2-2f47bf6d5b47",
		ReadOnly:            "false",
		EventType:           "AwsConsoleSignIn",
		ManagementEvent:     "true",
		RecipientAccountID:  "111122223333",
		EventCategory:       "Management",
		TLSDetails: &vigil.TLSDetails{
			TLSVersion:               "TLSv1.2",
			CipherSuite:              "ECDHE-RSA-AES128-GCM-SHA256",
			ClientProvidedHostHeader: "signin.aws.amazon.com",
		},
	}
	wantGetObject = vigil.Event{
		EventVersion: "1.09",
		UserIdentity: vigil.UserIdentity{
			Type:        "AssumedRole",
			PrincipalID: "AROAEXAMPLEROLEID:reader-session",
			ARN:         "arn:aws:sts::111122223333:assumed-role/reader/reader-session",
			AccountID:   "111122223333",
			AccessKeyID: "ASIAEXAMPLEKEYID",
			SessionContext: &vigil.SessionContext{
				MFAAuthenticated: "false",
				CreationDate:     "2020-10-23T09:30:12Z",
				SessionIssuer: &vigil.SessionIssuer{
					Type:        "Role",
					PrincipalID: "AROAEXAMPLEROLEID",
					ARN:         "arn:aws:iam::111122223333:role/reader",
					AccountID:   "111122223333",
					UserName:    "reader",
				},
				EC2RoleDelivery: "2.0",
			},
		},
		EventTime:           "2020-10-23T09:59:30Z",
		EventSource:         "s3.amazonaws.com",
		EventName:           "GetObject",
		AWSRegion:           "us-east-1",
		SourceIPAddress:     "198.51.100.7",
		UserAgent:           "[aws-cli/2.0.56 Python/3.7.4 Linux/4.14.193-149.317.amzn2.x86_64 exe/x86_64.amzn.2 command/s3.cp]",
		RequestParameters:   `{"bucketName":"example-data-bucket","Host":"example-data-bucket.s3.us-east-1.amazonaws.com","key":"reports/2020/q3.csv"}`,
		AdditionalEventData: `{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"Hr5nS5tD0YfNqmn0WQgbV0rW7c0pWxFhfJ1uFxX9fS0=","bytesTransferredOut":48213}`,
		RequestID:           "7K7PRE4WKXH4S8YV",
		EventID:             "ab1c8f35-b3d7-4d43-bc4a-6c8c8ad3f8b5",
		ReadOnly:            "true",
		Resources: []vigil.Resource{
			{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::example-data-bucket/reports/2020/q3.csv"},
			{AccountID: "111122223333", Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::example-data-bucket"},
		},
		EventType:          "AwsApiCall",
		ManagementEvent:    "false",
		RecipientAccountID: "111122223333",
		EventCategory:      "Data",
		TLSDetails: &vigil.TLSDetails{
			TLSVersion:               "TLSv1.2",
			CipherSuite:              "ECDHE-RSA-AES128-GCM-SHA256",
			ClientProvidedHostHeader: "example-data-bucket.s3.us-east-1.amazonaws.com",
		},
	}
	wantRotateKey = vigil.Event{
		EventVersion:    "1.08",
		UserIdentity:    vigil.UserIdentity{AccountID: "111122223333", InvokedBy: "kms.amazonaws.com"},
		EventTime:       "2020-10-23T10:00:04Z",
		EventSource:     "kms.amazonaws.com",
		EventName:       "RotateKey",
		AWSRegion:       "us-east-1",
		SourceIPAddress: "kms.amazonaws.com",
		UserAgent:       "kms.amazonaws.com",
		EventID:         "a24b3967-ddad-417f-9b22-2332b918db06",
		ReadOnly:        "false",
		Resources: []vigil.Resource{{
			AccountID: "111122223333", Type: "AWS::KMS::Key",
			ARN: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		}},
		EventType:           "AwsServiceEvent",
		ManagementEvent:     "true",
		RecipientAccountID:  "111122223333",
		ServiceEventDetails: `{"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`,
		EventCategory:       "Management",
	}
	wantVpce = vigil.Event{
		EventVersion:         "1.09",
		UserIdentity:         vigil.UserIdentity{Type: "AWSAccount", AccountID: "ANONYMOUS_PRINCIPAL"},
		EventTime:            "2020-10-23T10:01:17Z",
		EventSource:          "kms.amazonaws.com",
		EventName:            "ListAliases",
		AWSRegion:            "us-east-1",
		SourceIPAddress:      "203.0.113.44",
		UserAgent:            "aws-cli/2.0.56 Python/3.7.4 Linux/4.14.193-149.317.amzn2.x86_64",
		ErrorCode:            "VpceAccessDenied",
		ErrorMessage:         "The request was denied due to a VPC endpoint policy",
		RequestID:            "9a0ab2e8-0c2f-4a54-8d39-7f0f3d3a7c3e",
		EventID:              "5b8b8c1f-8c5a-4fd0-8f8b-5d4b2c8b2a11",
		ReadOnly:             "true",
		EventType:            "AwsVpceEvent",
		ManagementEvent:      "true",
		RecipientAccountID:   "111122223333",
		SharedEventID:        "f58e5f6d-0b5b-4d26-8f1a-6b4f6c0a9a77",
		VPCEndpointID:        "vpce-0a1b2c3d4e5f67890",
		VPCEndpointAccountID: "444455556666",
		EventCategory:        "Management",
	}
)

// wantFixtureEvents are the records every format's fixture holds, in order;
// the last one (AssumeRole) is checked against encoding/json only.
var wantFixtureEvents = []*vigil.Event{&wantConsoleLogin, &wantGetObject, &wantRotateKey, &wantVpce, nil}

func TestParseEventFixtureRecords(t *testing.T) {
	data := mustRead(t, "records_s3.json")
	recs := splitRecords(t, data)
	if len(recs) != len(wantFixtureEvents) {
		t.Fatalf("%d records, want %d", len(recs), len(wantFixtureEvents))
	}
	for i, raw := range recs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var e vigil.Event
			if err := ParseEvent(raw, &e); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, &e)
			checkAgainstStdlib(t, raw, &e)
			if want := wantFixtureEvents[i]; want != nil {
				if diff := cmp.Diff(*want, e); diff != "" {
					t.Errorf("event (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestParseEventStratus decodes real records (pretty-printed, as the Stratus
// Red Team detonation logs are) and checks them against encoding/json.
func TestParseEventStratus(t *testing.T) {
	for _, fixture := range []string{
		"stratus-dns-delete-logs.json",
		"stratus-iam-create-user-login-profile.json",
		"stratus-ec2-launch-unusual-instances.json",
	} {
		t.Run(fixture, func(t *testing.T) {
			for i, raw := range splitRecords(t, mustRead(t, fixture)) {
				var e vigil.Event
				if err := ParseEvent(raw, &e); err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
				checkInvariants(t, &e)
				checkAgainstStdlib(t, raw, &e)
				if e.Extra != "" {
					t.Errorf("record %d: Extra = %s, want every key modelled", i, e.Extra)
				}
				if e.TLSDetails == nil || e.TLSDetails.TLSVersion == "" {
					t.Errorf("record %d: TLSDetails = %+v", i, e.TLSDetails)
				}
			}
		})
	}
}

func TestParseEventInsight(t *testing.T) {
	recs := splitRecords(t, mustRead(t, "insight_s3.json"))
	var e vigil.Event
	if err := ParseEvent(recs[0], &e); err != nil {
		t.Fatal(err)
	}
	checkAgainstStdlib(t, recs[0], &e)
	want := vigil.Event{
		EventVersion:       "1.08",
		EventTime:          "2020-10-23T10:00:00Z",
		AWSRegion:          "us-east-1",
		EventID:            "d3f1b6d7-9d2e-4c9b-8e51-4b1f3e5b2a6c",
		EventType:          "AwsCloudTrailInsight",
		RecipientAccountID: "111122223333",
		SharedEventID:      "12ab34cd-56ef-78ab-90cd-12ef34ab56cd",
		EventCategory:      "Insight",
		InsightDetails:     e.InsightDetails, // checked against encoding/json above
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(e.InsightDetails, `{"state":"Start","eventSource":"ec2.amazonaws.com"`) {
		t.Errorf("InsightDetails = %s", e.InsightDetails)
	}
}

func TestParseEventEdgeCases(t *testing.T) {
	lines := fixtureLines(t, "edge_cases.jsonl")
	for _, tc := range []struct {
		name  string
		line  int
		check func(t *testing.T, e *vigil.Event)
	}{
		{"null identity, resources, tlsDetails, addendum; readOnly as string", 0, func(t *testing.T, e *vigil.Event) {
			if diff := cmp.Diff(vigil.UserIdentity{}, e.UserIdentity); diff != "" {
				t.Errorf("UserIdentity (-want +got):\n%s", diff)
			}
			if e.Resources != nil || e.TLSDetails != nil || e.Addendum != nil {
				t.Errorf("Resources, TLSDetails, Addendum = %v, %v, %v; want nil", e.Resources, e.TLSDetails, e.Addendum)
			}
			if e.ErrorCode != "" || e.RequestParameters != "" || e.ResponseElements != "" || e.AdditionalEventData != "" {
				t.Errorf("null fields not empty: %+v", e)
			}
			if e.ReadOnly != "true" || e.ManagementEvent != "true" {
				t.Errorf("ReadOnly, ManagementEvent = %q, %q; want true, true", e.ReadOnly, e.ManagementEvent)
			}
			if e.Extra != "" {
				t.Errorf("Extra = %s, want empty", e.Extra)
			}
		}},
		{"null sessionContext; readOnly True", 1, func(t *testing.T, e *vigil.Event) {
			if e.UserIdentity.SessionContext != nil {
				t.Errorf("SessionContext = %+v, want nil", e.UserIdentity.SessionContext)
			}
			if e.UserIdentity.Type != "AssumedRole" || e.UserIdentity.AccessKeyID != "ASIAEXAMPLEEC2KEY" {
				t.Errorf("UserIdentity = %+v", e.UserIdentity)
			}
			if e.ReadOnly != "true" || e.ManagementEvent != "false" {
				t.Errorf("ReadOnly, ManagementEvent = %q, %q; want true, false", e.ReadOnly, e.ManagementEvent)
			}
			if e.RequestParameters != `{"filterSet":{}}` {
				t.Errorf("RequestParameters = %s", e.RequestParameters)
			}
		}},
		{"keys in other case", 2, func(t *testing.T, e *vigil.Event) {
			want := vigil.Event{
				EventVersion: "1.08",
				UserIdentity: vigil.UserIdentity{
					Type: "Root", PrincipalID: "111122223333", ARN: "arn:aws:iam::111122223333:root",
					AccountID: "111122223333", AccessKeyID: "ASIAEXAMPLEROOT",
					SessionContext: &vigil.SessionContext{MFAAuthenticated: "true", CreationDate: "2020-10-23T09:00:00Z"},
				},
				EventTime:          "2020-10-23T10:03:10Z",
				EventSource:        "iam.amazonaws.com",
				EventName:          "CreateUser",
				AWSRegion:          "us-east-1",
				SourceIPAddress:    "192.0.2.10",
				ReadOnly:           "false",
				Resources:          []vigil.Resource{{ARN: "arn:aws:iam::111122223333:user/new-user", AccountID: "111122223333", Type: "AWS::IAM::User"}},
				EventType:          "AwsApiCall",
				ManagementEvent:    "true",
				RecipientAccountID: "111122223333",
				EventCategory:      "Management",
			}
			if diff := cmp.Diff(want, *e); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		}},
		{"unknown keys kept in Extra", 3, func(t *testing.T, e *vigil.Event) {
			wantExtra := map[string]any{
				"userIdentity.credentialId":                             "ABCDEFGHIJKLMNOP1234",
				"userIdentity.sessionContext.sessionIssuer.issuerExtra": float64(1),
				"userIdentity.sessionContext.attributes.attrExtra":      "x",
				"userIdentity.sessionContext.assumedRoot":               "true",
				"userIdentity.sessionContext.futureNull":                nil,
				"userIdentity.onBehalfOf.oboExtra":                      []any{float64(1), float64(2)},
				"resources.resourceExtra":                               "y",
				"addendum.addendumExtra":                                true,
				"tlsDetails.keyExchange":                                "x25519",
				"futureField":                                           map[string]any{"nested": map[string]any{"deep": []any{float64(1), float64(2), map[string]any{"x": nil}}}},
				"futureNull":                                            nil,
			}
			if diff := cmp.Diff(wantExtra, extraMap(t, e.Extra)); diff != "" {
				t.Errorf("Extra (-want +got):\n%s", diff)
			}
			u := e.UserIdentity
			if u.OnBehalfOfUser != "94482488-3041-7026-18f3-be45837cd0e4" || u.IdentityStore != "arn:aws:identitystore::111122223333:identitystore/d-9067230b4c" {
				t.Errorf("onBehalfOf = %q, %q", u.OnBehalfOfUser, u.IdentityStore)
			}
			wantSC := &vigil.SessionContext{
				MFAAuthenticated: "true",
				CreationDate:     "2020-10-23T09:45:00Z",
				SessionIssuer: &vigil.SessionIssuer{
					Type: "Role", PrincipalID: "AROAEXAMPLEADMIN", ARN: "arn:aws:iam::111122223333:role/admin",
					AccountID: "111122223333", UserName: "admin",
				},
				SourceIdentity: "alice@example.com",
			}
			if diff := cmp.Diff(wantSC, u.SessionContext); diff != "" {
				t.Errorf("SessionContext (-want +got):\n%s", diff)
			}
			wantAdd := &vigil.Addendum{Reason: "DELIVERY_DELAY"}
			if diff := cmp.Diff(wantAdd, e.Addendum); diff != "" {
				t.Errorf("Addendum (-want +got):\n%s", diff)
			}
			if e.SessionCredentialFromConsole != "true" || e.EdgeDeviceDetails != `{"type":"outposts","deviceID":"op-01ac5d28a6a232904"}` {
				t.Errorf("SessionCredentialFromConsole, EdgeDeviceDetails = %q, %q", e.SessionCredentialFromConsole, e.EdgeDeviceDetails)
			}
		}},
		{"webIdFederationData", 4, func(t *testing.T, e *vigil.Event) {
			want := &vigil.SessionContext{
				MFAAuthenticated: "false",
				CreationDate:     "2020-10-23T10:03:20Z",
				WebIDFederationData: &vigil.WebIDFederationData{
					FederatedProvider: "accounts.google.com",
					Attributes: map[string]string{
						"accounts.google.com:aud": "application-id.apps.googleusercontent.com",
						"accounts.google.com:sub": "123456789012345678901",
					},
				},
			}
			if diff := cmp.Diff(want, e.UserIdentity.SessionContext); diff != "" {
				t.Errorf("SessionContext (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]any{"userIdentity.identityProvider": "accounts.google.com"}, extraMap(t, e.Extra)); diff != "" {
				t.Errorf("Extra (-want +got):\n%s", diff)
			}
			if e.ReadOnly != "true" {
				t.Errorf("ReadOnly = %q, want true", e.ReadOnly)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e vigil.Event
			if err := ParseEvent(lines[tc.line], &e); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, &e)
			checkAgainstStdlib(t, lines[tc.line], &e)
			tc.check(t, &e)
		})
	}
}

func TestParseEventUnicode(t *testing.T) {
	lines := fixtureLines(t, "unicode.jsonl")
	for _, tc := range []struct {
		name string
		line []byte
		want vigil.Event
	}{
		{"raw UTF-8", lines[0], vigil.Event{
			EventVersion:       "1.08",
			UserIdentity:       vigil.UserIdentity{Type: "IAMUser", UserName: "김민준", AccountID: "111122223333"},
			EventTime:          "2020-10-23T10:04:00Z",
			EventSource:        "s3.amazonaws.com",
			EventName:          "PutObject",
			AWSRegion:          "ap-northeast-2",
			UserAgent:          "클라이언트 🚀",
			ErrorCode:          "NoSuchKey",
			ErrorMessage:       "파일을 찾을 수 없습니다 🔑",
			RequestParameters:  `{"bucketName":"예제-버킷","key":"보고서/2020년 🔑.csv"}`,
			ReadOnly:           "false",
			EventType:          "AwsApiCall",
			RecipientAccountID: "111122223333",
		}},
		{"escapes", lines[1], vigil.Event{
			EventVersion:       "1.08",
			UserIdentity:       vigil.UserIdentity{Type: "IAMUser", UserName: "김민준", AccountID: "111122223333"},
			EventTime:          "2020-10-23T10:04:01Z",
			EventSource:        "s3.amazonaws.com", // key written "\u0065ventSource"
			EventName:          "PutObject",
			AWSRegion:          "ap-northeast-2",
			UserAgent:          "클라이언트 🚀 café \"q\" \\ / \t\n\x00",
			ErrorMessage:       "lone \uFFFD high, lone \uFFFD low, reversed \uFFFD\uFFFD, pair 🔑 then lone \uFFFD",
			RequestParameters:  `{"key":"\ubcf4\uace0\uc11c/2020\ub144 \ud83d\udd11.csv"}`, // raw JSON keeps its escapes
			ReadOnly:           "false",
			EventType:          "AwsApiCall",
			RecipientAccountID: "111122223333",
		}},
		{"invalid UTF-8 bytes", bytes.Replace(lines[0], []byte("클라이언트"), []byte("bad\xff\xfe\xc3(\xed\xa0\x80end"), 1), vigil.Event{
			EventVersion:       "1.08",
			UserIdentity:       vigil.UserIdentity{Type: "IAMUser", UserName: "김민준", AccountID: "111122223333"},
			EventTime:          "2020-10-23T10:04:00Z",
			EventSource:        "s3.amazonaws.com",
			EventName:          "PutObject",
			AWSRegion:          "ap-northeast-2",
			UserAgent:          "bad\uFFFD(\uFFFDend 🚀",
			ErrorCode:          "NoSuchKey",
			ErrorMessage:       "파일을 찾을 수 없습니다 🔑",
			RequestParameters:  `{"bucketName":"예제-버킷","key":"보고서/2020년 🔑.csv"}`,
			ReadOnly:           "false",
			EventType:          "AwsApiCall",
			RecipientAccountID: "111122223333",
		}},
		{"invalid UTF-8 in raw JSON and keys", []byte("{\"eventName\":\"X\",\"requestParameters\":{\"k\\u00e9\xff\":\"v\xc0\"},\"new\xffKey\":\"\xf0\x9f\"}"), vigil.Event{
			EventName:         "X",
			RequestParameters: "{\"k\\u00e9\uFFFD\":\"v\uFFFD\"}",
			Extra:             "{\"new\uFFFDKey\":\"\uFFFD\"}",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e vigil.Event
			if err := ParseEvent(tc.line, &e); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, &e)
			if diff := cmp.Diff(tc.want, e); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

// hugeRecord returns a record whose requestParameters holds about n bytes,
// like a PutBucketPolicy or an SSM SendCommand with a large document.
func hugeRecord(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"eventVersion":"1.08","eventName":"PutBucketPolicy","requestParameters":{"bucketName":"example-data-bucket","bucketPolicy":{"Version":"2012-10-17","Statement":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Sid":"stmt%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r%d"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::example-data-bucket/prefix-\u00e9-%d/*"}`, i, i, i)
	}
	b.WriteString(`]}},"eventID":"e1","readOnly":false}`)
	return b.Bytes()
}

func TestParseEventHugeRequestParameters(t *testing.T) {
	rec := hugeRecord(5 << 20)
	var e vigil.Event
	if err := ParseEvent(rec, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.RequestParameters) < 5<<20-1<<10 || !json.Valid([]byte(e.RequestParameters)) {
		t.Fatalf("RequestParameters: %d bytes, valid %t", len(e.RequestParameters), json.Valid([]byte(e.RequestParameters)))
	}
	if e.EventName != "PutBucketPolicy" || e.EventID != "e1" || e.ReadOnly != "false" {
		t.Errorf("event = %q %q %q", e.EventName, e.EventID, e.ReadOnly)
	}
}

func TestParseEventErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
	}{
		{"empty", ``},
		{"not an object", `[{"eventName":"X"}]`},
		{"number", `1`},
		{"truncated", `{"eventName":"X","userIdentity":{"type":"Root"`},
		{"truncated string", `{"eventName":"X`},
		{"trailing data", `{"eventName":"X"} {"eventName":"Y"}`},
		{"trailing comma", `{"eventName":"X",}`},
		{"missing colon", `{"eventName" "X"}`},
		{"bad literal", `{"readOnly":tru}`},
		{"bad escape", `{"eventName":"\x"}`},
		{"control character", "{\"eventName\":\"a\tb\"}"},
		{"bad number", `{"eventVersion":1.}`},
		{"userIdentity not an object", `{"userIdentity":"root"}`},
		{"resources element not an object", `{"resources":[1]}`},
		{"too deep", `{"requestParameters":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`},
		{"bad raw value", `{"requestParameters":{"a":01}}`},
		{"bad unknown value", `{"x":[1,,2]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := vigil.Event{EventName: "stale"}
			err := ParseEvent([]byte(tc.in), &e)
			if !errors.Is(err, vigil.ErrMalformedRecord) {
				t.Fatalf("ParseEvent(%q) = %v, want ErrMalformedRecord", tc.in, err)
			}
		})
	}
}

func TestParseEventResets(t *testing.T) {
	e := wantGetObject
	if err := ParseEvent([]byte(`{"eventName":"X"}`), &e); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(vigil.Event{EventName: "X"}, e); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestBoolText(t *testing.T) {
	for in, want := range map[string]string{
		"true": "true", "True": "true", "TRUE": "true", "false": "false", "False": "false",
		"": "", "1": "1", "yes": "yes",
	} {
		if got := boolText(in); got != want {
			t.Errorf("boolText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseEvent(f *testing.F) {
	for _, name := range []string{"records_s3.json", "insight_s3.json", "stratus-iam-create-user-login-profile.json"} {
		for _, rec := range splitRecords(f, mustRead(f, name)) {
			f.Add([]byte(rec))
		}
	}
	for _, name := range []string{"edge_cases.jsonl", "unicode.jsonl"} {
		for _, l := range fixtureLines(f, name) {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"userIdentity":{"sessionContext":{"webIdFederationData":{"attributes":{"a":"b"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e vigil.Event
		if err := ParseEvent(data, &e); err != nil {
			if !errors.Is(err, vigil.ErrMalformedRecord) {
				t.Fatalf("error %v does not wrap ErrMalformedRecord", err)
			}
			return
		}
		checkInvariants(t, &e)
		// A record ParseEvent accepts is valid JSON (once made valid UTF-8).
		if !json.Valid(bytes.ToValidUTF8(data, []byte("\uFFFD"))) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
	})
}
