// Package sigma turns Sigma rules (https://sigmahq.io) for AWS CloudTrail
// into Vigil detections, so that `vigil detect --sigma DIR` and
// `vigil ingest --sigma DIR` run them beside Vigil's own detections.
//
// Load reads every *.yml and *.yaml file under a directory; Parse reads
// one rule. Rules whose logsource is not product aws, service cloudtrail
// are skipped and reported (ErrSkipped); rules using a feature this
// package lacks are reported with the feature (ErrUnsupported), never
// silently dropped. Every problem is a *RuleError naming file and rule id.
//
// Supported: selections as maps (every field must match) and lists of
// maps (any map); value lists (any value; all values with |all); the
// wildcards * and ? with \ escapes; the modifiers contains, startswith,
// endswith, all, re (Go RE2 syntax, with the i, m and s flags), cidr
// (IPv4 and IPv6), exists, cased, gt, gte, lt and lte; null values;
// conditions with and, or, not, parentheses, "1 of pattern", "all of
// pattern", "1 of them" and "all of them" (them leaves out identifiers
// starting with _), and condition lists (any). String matching ignores
// case, as Sigma specifies, except under re and cased.
//
// Not supported, reported at load time: keyword searches (values without
// a field), aggregations (| count() ... and timeframe), correlation and
// filter rules, rule collections (multiple YAML documents, action),
// logsource categories, the modifiers windash, base64, base64offset,
// utf16le, utf16be, utf16, wide, expand and fieldref, "N of" for N other
// than 1, and regular expressions RE2 cannot compile (lookaround,
// backreferences).
//
// Field names are spelled as in CloudTrail records, as SigmaHQ's AWS
// rules write them, and compared without regard to case: eventSource,
// eventName, userIdentity.type, userIdentity.sessionContext.sessionIssuer.userName,
// resources.ARN, tlsDetails.cipherSuite and so on for every vigil.Event
// field. Paths below requestParameters, responseElements,
// additionalEventData, serviceEventDetails, edgeDeviceDetails and
// insightDetails look inside their JSON text, parsed at most once per
// rule and event and only when the rule gets that far; a path through a
// JSON list reaches every element (any must match); the bare name
// matches the raw JSON text. An unknown field name is a load error.
// vigil.Event stores a missing key as "", so null and ” both match a
// missing or empty field.
//
// Each rule becomes a detect.Detection with:
//
//   - ID sigma.<rule id>, the id lower-cased with - as _
//     (sigma.0b7e1c52_7d4e_...), or sigma.file_<file name> without id;
//   - Type Sigma:IAMUser/<Title>.<tag> in Vigil's namespace: the title in
//     CamelCase cut to 23 characters, and tag the first 8 characters of
//     the id (or of a hash of the ID), keeping types unique and within 50
//     characters;
//   - Severity from level: informational and low 2, medium 5 (also when
//     level is missing), high 8, critical 9;
//   - Title the rule's title; Description the rule's id, level, status,
//     author, file, description, condition and tags; Technique the first
//     attack.tNNNN tag; FalsePositives the rule's falsepositives;
//   - findings carrying sigmaId, sigmaTitle, sigmaLevel, sigmaTags,
//     sigmaAuthor and sigmaFile in the hit's Info (service.additionalInfo),
//     aggregated per access key like Vigil's API-call detections.
//
// When a condition pins eventName to plain values written as CloudTrail
// spells them (StopLogging), the detection lists them in Events so the
// engine calls it only for those events. The engine compares eventNames
// exactly, so a rule writing eventName: stoplogging (which Sigma would
// match case-insensitively) must not be pre-filtered: names not spelled
// like API names ([A-Z][A-Za-z0-9]*) disable the pre-filter; a name
// shaped like one but cased otherwise (Stoplogging) would miss events.
package sigma
