package catalog

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
)

// Markdown renders the catalog of reg's detections: docs/detections.md.
func Markdown(reg *detect.Registry) string {
	var b strings.Builder
	b.WriteString(docHeader)
	b.WriteString("\n## Catalog\n\n| Finding type | Namespace | Severity | Source | Detection ID |\n|---|---|---|---|---|\n")
	for _, d := range reg.All() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s (%g) | %s | `%s` |\n", d.Type, anchor(d.ID), d.Namespace, d.Severity.Label(), float64(d.Severity), d.Source, d.ID)
	}
	b.WriteString("\n## Detections\n")
	for _, d := range reg.All() {
		fmt.Fprintf(&b, "\n### %s\n\n", d.ID)
		fmt.Fprintf(&b, "**%s** — %s\n\n", d.Type, d.Title)
		fmt.Fprintf(&b, "- Namespace: %s\n", d.Namespace)
		fmt.Fprintf(&b, "- Data source: %s\n", sourceName(d.Source))
		fmt.Fprintf(&b, "- Default severity: %s (%g)\n", d.Severity.Label(), float64(d.Severity))
		fmt.Fprintf(&b, "- One finding per: %s; in each account and region\n", d.Key)
		if d.Technique != "" {
			fmt.Fprintf(&b, "- MITRE ATT&CK: [%s](https://attack.mitre.org/techniques/%s/)\n", d.Technique, strings.ReplaceAll(d.Technique, ".", "/"))
		}
		if len(d.Events) > 0 {
			fmt.Fprintf(&b, "- Events examined: %s\n", "`"+strings.Join(d.Events, "`, `")+"`")
		}
		if len(d.Aliases) > 0 {
			fmt.Fprintf(&b, "- Former IDs: %s\n", "`"+strings.Join(d.Aliases, "`, `")+"`")
		}
		fmt.Fprintf(&b, "\n**Logic.** %s\n\n**False positives.** %s\n", d.Description, d.FalsePositives)
	}
	return b.String()
}

func anchor(id string) string { return strings.NewReplacer(".", "", "_", "_").Replace(id) }

func sourceName(s string) string {
	switch s {
	case detect.SourceCloudTrail:
		return "CloudTrail management events (`auditing.cloudtrail`)"
	case detect.SourceFlowLogs:
		return "VPC Flow Logs (`auditing.flowlogs`)"
	}
	return s
}

const docHeader = `# Detections

<!-- Generated from the detection registry by ` + "`go generate ./internal/detect/catalog`" + `. Do not edit: change
the detection's metadata in internal/detect/<source>/<id>.go and regenerate. A test fails when this file is stale. -->

Vigil raises GuardDuty's finding types from the data in the lake, and its own types for attacks that one
event proves but GuardDuty reports only as "anomalous behavior". Detections run inline during
` + "`vigil ingest`" + ` and over the lake with ` + "`vigil detect --since … --until …`" + ` (a retro-hunt with today's rules over old
data); both run the same code and give the same findings. List them with ` + "`vigil findings`" + ` or query
` + "`auditing.findings`" + `.

A retro-hunt decodes only the CloudTrail columns the built-in detections read (` + "`detect.EventColumns`" + `; every
column when ` + "`--sigma`" + ` rules are loaded, since they may name any field) and runs the detections in the scan's
decoding goroutines; its first output line gives the CloudTrail events/s and the flow-log time apart. The state of
stateful detections is a function of the *set* of records seen, not of their order or repetition (windows count
distinct records), so a retro-hunt over days that inline detection already saw, or a second retro-hunt, finds nothing
new.

## Findings

Findings have the JSON shape of GuardDuty findings (` + "`schemaVersion`, `id`, `type`, `severity`, `title`, `description`,\n`accountId`, `region`, `partition`, `arn`, `resource`, `service{action, count, eventFirstSeen, eventLastSeen, archived, …}`,\n`createdAt`, `updatedAt`" + `) plus Vigil's ` + "`evidence`" + `:

- ` + "`evidence.eventIds`" + ` (or ` + "`flowKeys`" + `): the records that triggered the finding — all of them up to 100, then the 50
  earliest and the 50 latest; ` + "`evidence.sql`" + `: a query over ` + "`auditing.cloudtrail`" + ` (or ` + "`auditing.flowlogs`" + `) that returns
  exactly those records; ` + "`evidence.principal`" + `: the ARN of the identity that acted.
- ` + "`id`" + ` is stable: a hash of the type, account, region, affected resource and actor key (GuardDuty's "parameter
  set"; each detection below says what one finding stands for). A repeat of the same activity updates the same
  finding — ` + "`service.count`, `service.eventLastSeen`, `updatedAt`" + `, and the action details of the latest occurrence —
  exactly as GuardDuty aggregates. ` + "`createdAt` and `service.eventFirstSeen`" + ` stay fixed (the first seen moves earlier
  only when older records arrive later).
- ` + "`service.count`" + ` counts *distinct* records: processing the same records again (re-running a retro-hunt, or a
  retro-hunt after inline detection) changes nothing, ` + "`updatedAt`" + ` included. Up to 1,024 records the count is exact (a
  set of 64-bit hashes of the record IDs); beyond, a HyperLogLog sketch (4,096 registers, standard error 1.6 %, never
  below 1,025) continues it. This state is stored with the finding (` + "`vigil_sketch`" + ` in ` + "`auditing.findings`" + `), so
  counts stay exactly-once across runs.
- ` + "`severity`" + ` uses GuardDuty's bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. A finding keeps the
  highest severity of its occurrences.
- ` + "`arn`" + ` is ` + "`arn:<partition>:vigil:<region>:<account>:detector/<detectorId>/finding/<id>`" + `: Vigil's, not an AWS resource.

## auditing.findings

` + "`vigil findings`" + ` lists the findings; SQL sees them as ` + "`auditing.findings`" + `, one row per finding, stored as one
Parquet file (` + "`<lake>/findings/findings.parquet`" + `) that each detection run replaces atomically:

| column | type | meaning |
|---|---|---|
| ` + "`id`" + ` | VARCHAR | the finding's stable ID (32 hex digits) |
| ` + "`type`" + ` | VARCHAR | finding type, e.g. ` + "`Policy:IAMUser/RootCredentialUsage`" + ` |
| ` + "`severity`, `severity_label`" + ` | DOUBLE, VARCHAR | GuardDuty's number and band (Low, Medium, High, Critical) |
| ` + "`title`, `description`" + ` | VARCHAR | as in the JSON |
| ` + "`account`, `region`" + ` | VARCHAR | where the finding lives |
| ` + "`resource_type`" + ` | VARCHAR | AccessKey, S3Bucket or Instance |
| ` + "`principal`" + ` | VARCHAR | ARN of the identity that acted (API findings) |
| ` + "`source_ip`" + ` | VARCHAR | the remote address of the latest occurrence |
| ` + "`count`" + ` | BIGINT | distinct records aggregated |
| ` + "`first_seen`, `last_seen`" + ` | TIMESTAMP WITH TIME ZONE | eventFirstSeen, eventLastSeen |
| ` + "`created_at`, `updated_at`" + ` | TIMESTAMP WITH TIME ZONE | createdAt, updatedAt |
| ` + "`archived`" + ` | BOOLEAN | archived by a suppression rule |
| ` + "`evidence_event_ids`, `evidence_flow_keys`" + ` | VARCHAR[] | the kept evidence records |
| ` + "`evidence_sql`" + ` | VARCHAR | the query returning them |
| ` + "`finding`" + ` | VARCHAR | the complete finding, GuardDuty's JSON shape plus ` + "`evidence`" + ` |
| ` + "`vigil_sketch`" + ` | BLOB | the engine's aggregation state (which records were counted) |

` + "```sql" + `
-- open high-severity findings of the last week, newest first
select type, account, principal, count, last_seen, title from auditing.findings
where severity >= 7 and not archived and last_seen > now() - interval 7 day order by last_seen desc;
-- findings by country of the remote address (with --geoip), from the full finding's JSON
select json_extract_string(finding, '$.service.action.awsApiCallAction.remoteIpDetails.country.countryName') as country, count(*)
from auditing.findings group by 1;
` + "```" + `

## Context shared by all detections

- **AWS's own traffic.** No detection sees events that AWS made itself or on a principal's behalf: eventType
  ` + "`AwsServiceEvent`" + `, userIdentity type ` + "`AWSService`" + ` or ` + "`invokedBy`" + ` set, a service host name (` + "`ec2.amazonaws.com`" + `) or
  ` + "`AWS Internal`" + ` as source address, user agent ` + "`AWS Internal`" + `.
- **Trusted IP lists** (` + "`--trusted-list`" + `): records from these addresses reach no detection, as in GuardDuty.
- **Threat lists** (` + "`--threat-list`" + `, repeatable) drive the ` + "`.Custom`" + ` types; **the Tor exit list** (` + "`--tor-list`" + `) the
  ` + "`TorIPCaller`" + ` types. Lists are files of addresses and CIDR blocks, one per line, ` + "`#`" + ` comments; Tor's
  exit-addresses format is understood too.
- **GeoIP/ASN** (` + "`--geoip`" + `, repeatable: MaxMind-format files such as GeoLite2-City and GeoLite2-ASN) fills
  ` + "`remoteIpDetails`" + ` (country, city, ASN, organization).
- **The organization's accounts** are the accounts present in the lake: sharing with one of them, or trusting it, is
  not "external".
- **Suppression rules** (` + "`--suppressions FILE`" + `, YAML: a list of ` + "`{name, types, accounts, principals, ips}`" + `, ` + "`*`" + `
  wildcards in types and principals) archive matching findings automatically, as GuardDuty's do.

## Proof of quality

` + "`vigil synth --scenarios labelled`" + ` plants, in a synthetic organization, one labelled attack scenario per finding type
below (after the week the stateful detections learn from) on top of routine traffic and realistic benign noise: a
CI/CD role deploying across IAM, Lambda, ECS, EC2 and S3 from AWS addresses every day, administrators working from
the offices (MFA sign-ins, a stronger password policy, snapshots shared inside the organization, SSH opened to an
office address, Instance Connect from the console, patching with Run Command), AWS services acting on principals'
behalf (CloudFormation creating users, keys and a public website policy; AWS Backup sharing snapshots; Auto Scaling
launching GPU instances; State Manager running scripts), slow internet-wide scanners probing the public instances'
open ports, every instance's NTP and HTTPS housekeeping, nightly backups to S3. The ground truth
(` + "`labels/labels.json`" + `: each scenario's finding types, account, eventIDs and flow keys) and the threat list, Tor list and
GeoIP database of that world are written next to the logs. ` + "`vigil eval`" + ` generates such an organization (or takes
` + "`--dir`" + ` of one), ingests it with the detections inline and prints, per finding type, the scenarios injected and
found (recall) and the findings no label explains (false positives); ` + "`--strict`" + ` exits 3 unless recall is 1 and there
is no false positive, ` + "`--benign`" + ` runs the noise alone. The test suite requires exactly that
(internal/detect/catalog/scenarios_test.go), and requires each Stratus Red Team attack recording to produce its
findings (recordings_test.go).

## Vigil's namespace

Types in the Vigil namespace are not GuardDuty's: they name attacks that a single CloudTrail event proves
(a snapshot shared with an outside account, a backdoor trust policy, credentials created for someone else) where
GuardDuty only raises a model-based ` + "`AnomalousBehavior`" + ` finding, if any. They follow GuardDuty's naming scheme
(` + "`ThreatPurpose:ResourceType/ThreatFamily`" + `, at most 50 characters) and never reuse a GuardDuty type name, so
consumers of GuardDuty findings handle them unchanged; the catalog below marks each type's namespace, and ASFF
output carries it in ` + "`ProductFields`" + `.
`
