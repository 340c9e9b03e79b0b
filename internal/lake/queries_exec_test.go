package lake

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/vigil-sec/vigil/internal/queries"
)

// The cloudtrail table as the engine exposes it: ctRow's columns, then the
// partition columns. Written by hand; TestSavedQueriesTableMatchesCTRow
// checks it against ctRow.
const (
	ctIdentityType = `STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR,
		accesskeyid VARCHAR, username VARCHAR,
		onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR),
		sessioncontext STRUCT(
			attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR),
			sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR),
			ec2roledelivery VARCHAR,
			webidfederationdata STRUCT(federatedprovider VARCHAR, attributes MAP(VARCHAR, VARCHAR)),
			sourceidentity VARCHAR))`
	createCloudTrail = `CREATE TABLE auditing.cloudtrail (
		eventversion VARCHAR,
		useridentity ` + ctIdentityType + `,
		eventtime VARCHAR, eventsource VARCHAR, eventname VARCHAR, awsregion VARCHAR, sourceipaddress VARCHAR,
		useragent VARCHAR, errorcode VARCHAR, errormessage VARCHAR,
		requestparameters VARCHAR, responseelements VARCHAR, additionaleventdata VARCHAR,
		requestid VARCHAR, eventid VARCHAR, readonly VARCHAR,
		resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[],
		eventtype VARCHAR, apiversion VARCHAR, recipientaccountid VARCHAR, serviceeventdetails VARCHAR,
		sharedeventid VARCHAR, vpcendpointid VARCHAR, vpcendpointaccountid VARCHAR, eventcategory VARCHAR,
		addendum STRUCT(reason VARCHAR, updatedfields VARCHAR, originalrequestid VARCHAR, originaleventid VARCHAR),
		sessioncredentialfromconsole VARCHAR, edgedevicedetails VARCHAR,
		tlsdetails STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR),
		vigil_managementevent VARCHAR, vigil_insightdetails VARCHAR, vigil_extra VARCHAR, vigil_source VARCHAR,
		account VARCHAR, region VARCHAR, date VARCHAR)`
)

// Accounts, principals and keys of the fixture.
const (
	acctA    = "111111111111"
	acctB    = "222222222222"
	alice    = "arn:aws:iam::111111111111:user/alice"
	bob      = "arn:aws:iam::111111111111:user/bob"
	rootA    = "arn:aws:iam::111111111111:root"
	adminSes = "arn:aws:sts::111111111111:assumed-role/AdminRole/attacker"
	bobKey   = "AKIAEXAMPLEBOB000001"
	bobIP    = "192.0.2.55"
)

// fxEvent is one CloudTrail event of the fixture. daysAgo sets both the
// event time and the delivery-date partition.
type fxEvent struct {
	daysAgo   int
	account   string
	idType    string
	arn       string
	userName  string
	invokedBy string
	accessKey string
	issuer    string // session issuer (role) name
	mfaAuth   string
	source    string
	name      string
	ip        string
	errorCode string
	errorMsg  string
	req       string
	resp      string
	extra     string // additionaleventdata
	eventType string
	readOnly  string
}

// fixture returns realistic events relative to now.
func fixture() []fxEvent {
	return []fxEvent{
		// Root: a console login yesterday and a call two days ago are
		// returned; calls invoked by a service, service events and a login
		// 40 days ago are not.
		{daysAgo: 1, idType: "Root", arn: rootA, source: "signin.amazonaws.com", name: "ConsoleLogin", ip: "203.0.113.10",
			resp: `{"ConsoleLogin":"Success"}`, extra: `{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"}`},
		{daysAgo: 2, idType: "Root", arn: rootA, source: "iam.amazonaws.com", name: "CreateUser", ip: "203.0.113.10",
			req: `{"userName":"backdoor"}`, resp: `{"user":{"userName":"backdoor","arn":"arn:aws:iam::111111111111:user/backdoor"}}`},
		{daysAgo: 1, idType: "Root", arn: rootA, invokedBy: "support.amazonaws.com", source: "support.amazonaws.com",
			name: "DescribeCases", ip: "support.amazonaws.com"},
		{daysAgo: 1, idType: "Root", arn: rootA, source: "health.amazonaws.com", name: "AWSHealthEventPublished",
			ip: "health.amazonaws.com", eventType: "AwsServiceEvent"},
		{daysAgo: 40, idType: "Root", arn: rootA, source: "signin.amazonaws.com", name: "ConsoleLogin", ip: "203.0.113.99",
			resp: `{"ConsoleLogin":"Success"}`, extra: `{"MFAUsed":"No"}`},

		// Console logins of IAM users: alice without MFA, bob with MFA,
		// two failures for carol from one IP.
		{daysAgo: 1, idType: "IAMUser", arn: alice, userName: "alice", source: "signin.amazonaws.com", name: "ConsoleLogin",
			ip: "198.51.100.1", resp: `{"ConsoleLogin":"Success"}`, extra: `{"MFAUsed":"No"}`},
		{daysAgo: 3, idType: "IAMUser", arn: bob, userName: "bob", source: "signin.amazonaws.com", name: "ConsoleLogin",
			ip: "198.51.100.2", resp: `{"ConsoleLogin":"Success"}`, extra: `{"MFAUsed":"Yes"}`},
		{daysAgo: 2, idType: "IAMUser", userName: "carol", source: "signin.amazonaws.com", name: "ConsoleLogin",
			ip: "198.51.100.7", resp: `{"ConsoleLogin":"Failure"}`, errorMsg: "Failed authentication", extra: `{"MFAUsed":"No"}`},
		{daysAgo: 2, idType: "IAMUser", userName: "carol", source: "signin.amazonaws.com", name: "ConsoleLogin",
			ip: "198.51.100.7", resp: `{"ConsoleLogin":"Failure"}`, errorMsg: "Failed authentication", extra: `{"MFAUsed":"No"}`},

		// Denied calls by alice.
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "s3.amazonaws.com", name: "ListBuckets",
			ip: "198.51.100.1", errorCode: "AccessDenied", errorMsg: "Access Denied", readOnly: "true"},
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "ec2.amazonaws.com", name: "DescribeInstances",
			ip: "198.51.100.1", errorCode: "Client.UnauthorizedOperation", readOnly: "true"},
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "cloudtrail.amazonaws.com", name: "DeleteTrail",
			ip: "198.51.100.1", errorCode: "AccessDenied", req: `{"name":"org-trail"}`},

		// An attacker in AdminRole stops logging; an old StopLogging is out of range.
		{daysAgo: 1, idType: "AssumedRole", arn: adminSes, issuer: "AdminRole", mfaAuth: "false", source: "cloudtrail.amazonaws.com",
			name: "StopLogging", ip: "203.0.113.66", req: `{"name":"arn:aws:cloudtrail:eu-west-1:111111111111:trail/org-trail"}`},
		{daysAgo: 40, idType: "AssumedRole", arn: adminSes, issuer: "AdminRole", source: "cloudtrail.amazonaws.com",
			name: "StopLogging", ip: "203.0.113.66", req: `{"name":"old-trail"}`},

		// Logins into admin roles, and into a role that is not one.
		{daysAgo: 1, idType: "AssumedRole", arn: adminSes, issuer: "AdminRole", mfaAuth: "false", source: "signin.amazonaws.com",
			name: "ConsoleLogin", ip: "203.0.113.66", resp: `{"ConsoleLogin":"Success"}`, extra: `{"MFAUsed":"No"}`},
		{daysAgo: 2, account: acctB, idType: "IAMUser", arn: alice, userName: "alice", source: "sts.amazonaws.com", name: "AssumeRole",
			ip: "198.51.100.1", req: `{"roleArn":"arn:aws:iam::222222222222:role/OrganizationAccountAccessRole","roleSessionName":"alice"}`},
		{daysAgo: 3, idType: "SAMLUser", userName: "dave@example.com", source: "sts.amazonaws.com", name: "AssumeRoleWithSAML",
			ip: "198.51.100.9", req: `{"roleArn":"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123abcd","principalArn":"arn:aws:iam::111111111111:saml-provider/AWSSSO"}`},
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "sts.amazonaws.com", name: "AssumeRole",
			ip: "198.51.100.1", req: `{"roleArn":"arn:aws:iam::111111111111:role/ReadOnly","roleSessionName":"alice"}`},
		{daysAgo: 2, idType: "AssumedRole", arn: "arn:aws:sts::111111111111:assumed-role/ReadOnly/alice", issuer: "ReadOnly",
			source: "signin.amazonaws.com", name: "ConsoleLogin", ip: "198.51.100.1", resp: `{"ConsoleLogin":"Success"}`},

		// A new access key for bob, then used from another IP.
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "iam.amazonaws.com", name: "CreateAccessKey",
			ip: "198.51.100.1", req: `{"userName":"bob"}`,
			resp: `{"accessKey":{"accessKeyId":"` + bobKey + `","status":"Active","userName":"bob","createDate":"Oct 1, 2020 10:00:00 AM"}}`},
		{daysAgo: 1, idType: "IAMUser", arn: bob, userName: "bob", accessKey: bobKey, source: "s3.amazonaws.com", name: "GetObject",
			ip: bobIP, req: `{"bucketName":"prod-data","key":"customers.csv"}`, readOnly: "true"},
		{daysAgo: 1, idType: "IAMUser", arn: bob, userName: "bob", accessKey: bobKey, source: "sts.amazonaws.com", name: "GetCallerIdentity",
			ip: bobIP, readOnly: "true"},
		{daysAgo: 2, idType: "IAMUser", arn: alice, userName: "alice", source: "iam.amazonaws.com", name: "GetUser",
			ip: "198.51.100.1", req: `{"userName":"bob"}`, readOnly: "true"},

		// Changes to security groups, bucket policies, KMS keys, GuardDuty.
		{daysAgo: 1, idType: "IAMUser", arn: alice, userName: "alice", source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress",
			ip: "198.51.100.1", req: `{"groupId":"sg-0123456789abcdef0","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`},
		{daysAgo: 1, idType: "IAMUser", arn: alice, userName: "alice", source: "s3.amazonaws.com", name: "PutBucketPolicy",
			ip: "198.51.100.1", req: `{"bucketName":"prod-data","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}}`},
		{daysAgo: 1, idType: "AssumedRole", arn: adminSes, issuer: "AdminRole", source: "kms.amazonaws.com", name: "ScheduleKeyDeletion",
			ip: "203.0.113.66", req: `{"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab","pendingWindowInDays":7}`},
		{daysAgo: 1, idType: "AssumedRole", arn: adminSes, issuer: "AdminRole", source: "guardduty.amazonaws.com", name: "DeleteDetector",
			ip: "203.0.113.66", req: `{"detectorId":"12abc34d567e8fa901bc2d34e56789f0"}`},
	}
}

func insertFixture(t *testing.T, db *sql.DB, events []fxEvent, now time.Time) {
	t.Helper()
	for _, q := range []string{"CREATE SCHEMA auditing", createCloudTrail} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	for i, e := range events {
		ts := now.Add(-time.Duration(e.daysAgo)*24*time.Hour - time.Duration(i)*time.Second)
		account := or(e.account, acctA)
		// DuckDB casts JSON to a STRUCT only when every key is present.
		id := map[string]any{"type": e.idType, "arn": null(e.arn), "accountid": account, "username": null(e.userName),
			"invokedby": null(e.invokedBy), "accesskeyid": null(e.accessKey), "principalid": "AIDAEXAMPLE",
			"onbehalfof": nil, "sessioncontext": nil}
		if e.issuer != "" {
			id["sessioncontext"] = map[string]any{
				"attributes": map[string]any{"mfaauthenticated": or(e.mfaAuth, "false"), "creationdate": ts.Format(time.RFC3339)},
				"sessionissuer": map[string]any{"type": "Role", "principalid": "AROAEXAMPLE", "username": e.issuer,
					"accountid": account, "arn": "arn:aws:iam::" + account + ":role/" + e.issuer},
				"ec2roledelivery": nil, "webidfederationdata": nil, "sourceidentity": nil,
			}
		}
		idJSON, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(`INSERT INTO auditing.cloudtrail BY NAME SELECT
			'1.08' AS eventversion, CAST(CAST(? AS JSON) AS `+ctIdentityType+`) AS useridentity,
			? AS eventtime, ? AS eventsource, ? AS eventname, 'eu-west-1' AS awsregion, ? AS sourceipaddress,
			'aws-cli/2.13.0' AS useragent, ? AS errorcode, ? AS errormessage, ? AS requestparameters,
			? AS responseelements, ? AS additionaleventdata, ? AS eventid, ? AS readonly,
			? AS eventtype, ? AS recipientaccountid, ? AS account, 'eu-west-1' AS region, ? AS date`,
			string(idJSON), ts.Format("2006-01-02T15:04:05Z"), e.source, e.name, e.ip, null(e.errorCode), null(e.errorMsg),
			null(e.req), null(e.resp), null(e.extra), fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
			or(e.readOnly, "false"), or(e.eventType, "AwsApiCall"), account, account, ts.Format("2006-01-02"))
		if err != nil {
			t.Fatalf("insert event %d (%s): %v", i, e.name, err)
		}
	}
}

// queryRows runs sql and returns the named columns of each row as text.
func queryRows(t *testing.T, db *sql.DB, sql string, cols []string) [][]string {
	t.Helper()
	rows, err := db.Query(sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = slices.Index(names, c)
		if idx[i] < 0 {
			t.Fatalf("no column %s in %v", c, names)
		}
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, k := range idx {
			if vals[k] == nil {
				row[i] = "NULL"
			} else {
				row[i] = fmt.Sprint(vals[k])
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSavedQueriesExecute(t *testing.T) {
	db := openTrinoDB(t)
	now := time.Now().UTC()
	events := fixture()
	insertFixture(t, db, events, now)

	// Expected TopCallers and Partitions rows, computed from the fixture.
	calls := map[string]int{}
	parts := map[string]int{}
	for i, e := range events {
		ts := now.Add(-time.Duration(e.daysAgo)*24*time.Hour - time.Duration(i)*time.Second)
		if e.daysAgo > 30 {
			continue
		}
		calls[or(e.arn, e.invokedBy, "AIDAEXAMPLE")]++
		parts[or(e.account, acctA)+" eu-west-1 "+ts.Format("2006-01-02")]++
	}
	var wantParts [][]string
	for k, n := range parts {
		wantParts = append(wantParts, append(strings.Fields(k), fmt.Sprint(n)))
	}

	for _, tc := range []struct {
		name    string
		params  map[string]string
		cols    []string
		want    [][]string
		ordered bool // compare in the query's order, else sorted
		first   bool // compare only the first row
	}{
		{name: "RootLogin30Days", cols: []string{"eventname", "sourceipaddress", "principal"},
			want: [][]string{{"ConsoleLogin", "203.0.113.10", rootA}, {"CreateUser", "203.0.113.10", rootA}}},
		{name: "AdminRoleLogin30Days", cols: []string{"eventname", "role", "principal"},
			want: [][]string{
				{"AssumeRole", "OrganizationAccountAccessRole", alice},
				{"AssumeRoleWithSAML", "AWSReservedSSO_AdministratorAccess_0123abcd", "NULL"},
				{"ConsoleLogin", "AdminRole", adminSes},
			}},
		{name: "ConsoleLoginWithoutMFA", cols: []string{"identitytype", "username", "sourceipaddress"},
			want: [][]string{{"IAMUser", "alice", "198.51.100.1"}, {"Root", rootA, "203.0.113.10"}}},
		{name: "ConsoleLogins", cols: []string{"username", "result", "mfaused"},
			want: [][]string{
				{"AdminRole", "Success", "No"}, {"ReadOnly", "Success", "NULL"}, {"alice", "Success", "No"},
				{"bob", "Success", "Yes"}, {"carol", "Failure", "No"}, {"carol", "Failure", "No"}, {rootA, "Success", "No"},
			}},
		{name: "FailedConsoleLogins", cols: []string{"username", "sourceipaddress", "attempts", "errormessage"},
			want: [][]string{{"carol", "198.51.100.7", "2", "Failed authentication"}}},
		{name: "AccessDeniedByPrincipal", cols: []string{"principal", "denied", "actions", "sample"},
			want: [][]string{{alice, "3", "3",
				"cloudtrail.amazonaws.com:DeleteTrail, ec2.amazonaws.com:DescribeInstances, s3.amazonaws.com:ListBuckets"}}},
		{name: "CloudTrailTampering", cols: []string{"eventname", "target", "principal", "errorcode"}, ordered: true,
			want: [][]string{
				{"StopLogging", "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org-trail", adminSes, "NULL"},
				{"DeleteTrail", "org-trail", alice, "AccessDenied"},
			}},
		{name: "IAMChanges", cols: []string{"eventname", "target", "principal"},
			want: [][]string{{"CreateAccessKey", "bob", alice}, {"CreateUser", "backdoor", rootA}}},
		{name: "SecurityGroupChanges", cols: []string{"eventname", "securitygroup", "principal"},
			want: [][]string{{"AuthorizeSecurityGroupIngress", "sg-0123456789abcdef0", alice}}},
		{name: "S3BucketPolicyChanges", cols: []string{"eventname", "bucket", "principal"},
			want: [][]string{{"PutBucketPolicy", "prod-data", alice}}},
		{name: "KMSKeyDeletion", cols: []string{"eventname", "keyid", "pendingdays", "principal"},
			want: [][]string{{"ScheduleKeyDeletion", "1234abcd-12ab-34cd-56ef-1234567890ab", "7", adminSes}}},
		{name: "SecurityServicesDisabled", cols: []string{"eventsource", "eventname", "principal"},
			want: [][]string{{"guardduty.amazonaws.com", "DeleteDetector", adminSes}}},
		{name: "TopCallers", cols: []string{"principal", "calls"}, first: true,
			want: [][]string{{alice, fmt.Sprint(calls[alice])}}},
		{name: "AccessKeyActivity", params: map[string]string{"accesskey": bobKey}, cols: []string{"eventname", "principal", "sourceipaddress"},
			want: [][]string{{"CreateAccessKey", alice, "198.51.100.1"}, {"GetCallerIdentity", bob, bobIP}, {"GetObject", bob, bobIP}}},
		{name: "AccessKeyActivity", params: map[string]string{"accesskey": "'; drop table auditing.cloudtrail; --"}, cols: []string{"eventname"}},
		{name: "IPActivity", params: map[string]string{"ip": bobIP}, cols: []string{"eventname", "accesskeyid"},
			want: [][]string{{"GetCallerIdentity", bobKey}, {"GetObject", bobKey}}},
		{name: "IPActivity", params: map[string]string{"ip": "203.0.113.99"}, cols: []string{"eventname"}}, // 40 days ago
		{name: "IPActivity", params: map[string]string{"ip": "203.0.113.99", "days": "45"}, cols: []string{"eventname"},
			want: [][]string{{"ConsoleLogin"}}},
		{name: "PrincipalActivity", params: map[string]string{"arn": bob}, cols: []string{"eventname"},
			want: [][]string{{"ConsoleLogin"}, {"GetCallerIdentity"}, {"GetObject"}}},
		{name: "NewAccessKeysCreated", cols: []string{"username", "accesskeyid", "principal"},
			want: [][]string{{"bob", bobKey, alice}}},
		{name: "ErrorsByEventSource", cols: []string{"eventsource", "errorcode", "errors", "principals"},
			want: [][]string{
				{"cloudtrail.amazonaws.com", "AccessDenied", "1", "1"},
				{"ec2.amazonaws.com", "Client.UnauthorizedOperation", "1", "1"},
				{"s3.amazonaws.com", "AccessDenied", "1", "1"},
			}},
		{name: "Partitions", cols: []string{"account", "region", "date", "events"}, want: wantParts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := queries.Get(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			bound, err := q.Bind(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got := queryRows(t, db, rewriteTrino(bound), tc.cols)
			want := tc.want
			if tc.first && len(got) > 0 {
				got = got[:1]
			}
			if !tc.ordered {
				sortRows(got)
				sortRows(want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %v (-want +got):\n%s", tc.name, tc.params, diff)
			}
		})
	}
	// SHOW PARTITIONS lists every partition, as Athena does.
	all := map[string]bool{}
	for i, e := range events {
		ts := now.Add(-time.Duration(e.daysAgo)*24*time.Hour - time.Duration(i)*time.Second)
		all["account="+or(e.account, acctA)+"/region=eu-west-1/date="+ts.Format("2006-01-02")] = true
	}
	var wantShow [][]string
	for p := range all {
		wantShow = append(wantShow, []string{p})
	}
	sortRows(wantShow)
	if diff := cmp.Diff(wantShow, queryRows(t, db, rewriteTrino("SHOW PARTITIONS auditing.cloudtrail"), []string{"partition"})); diff != "" {
		t.Errorf("SHOW PARTITIONS (-want +got):\n%s", diff)
	}

	// No bound value, however hostile, changed the table.
	var n int
	if err := db.QueryRow("SELECT count(*) FROM auditing.cloudtrail").Scan(&n); err != nil || n != len(events) {
		t.Errorf("table has %d rows after the queries, want %d (%v)", n, len(events), err)
	}
}

func TestSavedQueriesAllCovered(t *testing.T) {
	src, err := os.ReadFile("queries_exec_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries.All() {
		if q.Table == TableFlowLogs {
			continue // TestFlowSavedQueriesExecute, in flow_queries_exec_test.go
		}
		if !bytes.Contains(src, []byte(`{name: "`+q.Name+`"`)) {
			t.Errorf("saved query %s has no execution case in TestSavedQueriesExecute", q.Name)
		}
		if q.Table != "cloudtrail" {
			t.Errorf("saved query %s reads %s: add that table to the execution test", q.Name, q.Table)
		}
	}
}

// or returns the first non-empty string.
func or(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortRows(rows [][]string) {
	slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
}

// TestSavedQueriesTableMatchesCTRow checks the hand-written table above
// against the Parquet schema of ctRow, as DuckDB reads it.
func TestSavedQueriesTableMatchesCTRow(t *testing.T) {
	db := openTrinoDB(t)
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[ctRow](&buf)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "empty.parquet")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA auditing; " + createCloudTrail); err != nil {
		t.Fatal(err)
	}
	describe := func(q string) [][]string {
		return queryRows(t, db, "SELECT column_name, column_type FROM (DESCRIBE "+q+")", []string{"column_name", "column_type"})
	}
	want := describe("SELECT * FROM read_parquet('" + file + "')")
	want = append(want, []string{"account", "VARCHAR"}, []string{"region", "VARCHAR"}, []string{"date", "VARCHAR"})
	if diff := cmp.Diff(want, describe("auditing.cloudtrail")); diff != "" {
		t.Errorf("cloudtrail table differs from ctRow (-ctRow +table):\n%s", diff)
	}
}
