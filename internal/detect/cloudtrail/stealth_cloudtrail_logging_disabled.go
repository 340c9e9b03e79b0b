package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(cloudTrailLoggingDisabled) }

var cloudTrailLoggingDisabled = &detect.Detection{
	ID:        "stealth.cloudtrail_logging_disabled",
	Type:      "Stealth:IAMUser/CloudTrailLoggingDisabled",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "CloudTrail logging was disabled",
	Description: "A trail stopped recording what it recorded: StopLogging; DeleteTrail; UpdateTrail setting " +
		"isMultiRegionTrail or includeGlobalServiceEvents to false; PutEventSelectors whose selectors no longer " +
		"record management events, or record only read-only ones (includeManagementEvents false, readWriteType ReadOnly, " +
		"advanced selectors without eventCategory Management); PutInsightSelectors with no selectors. " +
		"The request parameters are inspected; only successful calls count.",
	FalsePositives: "Decommissioning a trail, replacing it with an organization trail, or moving data events to a " +
		"dedicated trail. Infrastructure-as-code that writes every UpdateTrail parameter fires for single-region trails " +
		"by design; check that another trail still covers the account.",
	Key:       "trail",
	Technique: "T1562.008",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "cloudtrail.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		trail := text(get(p, "name"))
		var why string
		switch e.EventName {
		case "StopLogging":
			why = "logging was stopped"
		case "DeleteTrail":
			why = "the trail was deleted"
		case "UpdateTrail":
			if v, ok := flag(get(p, "isMultiRegionTrail")); ok && !v {
				why = "it no longer logs every region"
			} else if v, ok := flag(get(p, "includeGlobalServiceEvents")); ok && !v {
				why = "it no longer logs global services (IAM, STS, sign-in)"
			}
		case "PutEventSelectors":
			trail = text(get(p, "trailName"))
			why = droppedManagementEvents(p)
		case "PutInsightSelectors":
			trail = text(get(p, "trailName"))
			if sel, ok := get(p, "insightSelectors").([]any); ok && len(sel) == 0 {
				why = "CloudTrail Insights was turned off"
			}
		}
		if why == "" {
			return nil
		}
		return &detect.Hit{Resource: "trail/" + trail, Description: fmt.Sprintf("Trail %s was changed with %s by %s%s: %s.", trail, e.EventName, caller(e), from(e), why)}
	},
}

// droppedManagementEvents explains how PutEventSelectors parameters stop
// management events (write events above all) from being recorded, or
// returns "".
func droppedManagementEvents(p map[string]any) string {
	if sels, ok := get(p, "eventSelectors").([]any); ok {
		for _, s := range sels {
			inc, set := flag(get(s, "includeManagementEvents"))
			if (inc || !set) && text(get(s, "readWriteType")) != "ReadOnly" { // AWS's defaults: true, All
				return ""
			}
		}
		return "its event selectors no longer record management write events"
	}
	if sels, ok := get(p, "advancedEventSelectors").([]any); ok {
		for _, s := range sels {
			mgmt, readOnly := false, false
			for _, fs := range list(get(s, "fieldSelectors")) {
				switch text(get(fs, "field")) {
				case "eventCategory":
					for _, v := range texts(get(fs, "equals")) {
						mgmt = mgmt || v == "Management"
					}
				case "readOnly":
					readOnly = len(texts(get(fs, "equals"))) == 1 && text(list(get(fs, "equals"))[0]) == "true"
				}
			}
			if mgmt && !readOnly {
				return ""
			}
		}
		return "its advanced event selectors no longer record management write events"
	}
	return ""
}
