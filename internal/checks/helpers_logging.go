package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Helpers shared by the logging and monitoring checks (CloudTrail, Config,
// CloudWatch, GuardDuty, Security Hub, Access Analyzer, KMS).

// monGaps returns, for each scanned region where typ could not be
// collected, the ERROR result saying why.
func monGaps(a *compliance.Account, typ string) []compliance.Result {
	var out []compliance.Result
	for _, r := range a.Regions() {
		if g := a.Gap(r, typ); g != nil {
			out = append(out, compliance.GapResult(r, typ, g))
		}
	}
	// Without region items (Config's files) a region known only from its
	// gap is not among Regions().
	if g := a.Gap("", typ); len(out) == 0 && g != nil {
		out = append(out, compliance.GapResult(g.Region, typ, g))
	}
	return out
}

// monFirstGap returns the first collection error of any of types in any
// scanned region (or recorded without a region), or nil.
func monFirstGap(a *compliance.Account, types ...string) *inventory.CallError {
	for _, typ := range types {
		for _, r := range a.Regions() {
			if g := a.Gap(r, typ); g != nil {
				return g
			}
		}
		if g := a.Gap("", typ); g != nil {
			return g
		}
	}
	return nil
}

// monEachItem evaluates fn over every item of typ. Regions where typ could not
// be collected answer ERROR; an account with no relevant item answers
// NOT_APPLICABLE with none. fn returns false for items the check does not
// concern.
func monEachItem(a *compliance.Account, typ, none string, fn func(it *inventory.Item) (compliance.Result, bool)) []compliance.Result {
	out := monGaps(a, typ)
	n := 0
	for _, it := range a.Items(typ) {
		if r, ok := fn(it); ok {
			out = append(out, r)
			n++
		}
	}
	if n == 0 && len(out) == 0 {
		out = append(out, compliance.AccountResult("", typ, compliance.NotApplicable, "%s", none))
	}
	return out
}

// monEachRegion evaluates fn for every scanned region, with the items of typ
// in it; a region where typ could not be collected answers ERROR.
func monEachRegion(a *compliance.Account, typ string, fn func(region string, items []*inventory.Item) compliance.Result) []compliance.Result {
	var out []compliance.Result
	for _, r := range a.Regions() {
		if g := a.Gap(r, typ); g != nil {
			out = append(out, compliance.GapResult(r, typ, g))
			continue
		}
		out = append(out, fn(r, a.ItemsIn(r, typ)))
	}
	if len(out) == 0 {
		if g := a.Gap("", typ); g != nil {
			return []compliance.Result{compliance.GapResult(g.Region, typ, g)}
		}
		out = append(out, compliance.AccountResult("", typ, compliance.Error, "no scanned region in the snapshot"))
	}
	return out
}

// monItemError returns the error recorded on it for a call whose IAM action
// contains one of actions, as a reason, or "".
func monItemError(it *inventory.Item, actions ...string) string {
	for _, a := range actions {
		if e := compliance.ItemGap(it, a); e != nil {
			return e.Reason()
		}
	}
	return ""
}

// ctTrail is a CloudTrail trail as the checks see it, read from Vigil's or
// Config's item.
type ctTrail struct {
	it          *inventory.Item
	name        string
	multiRegion bool
	// logging is the trail's logging status; loggingErr says why it is
	// unknown ("" when known).
	logging    bool
	loggingErr string
	// events is what the event selectors record; eventsErr says why it
	// is unknown.
	events    ctEvents
	eventsErr string
}

// ctEvents is what a trail's event selectors record.
type ctEvents struct {
	mgmtRead, mgmtWrite bool // management events
	s3Read, s3Write     bool // S3 object-level events of all buckets
}

// ctTrails returns the account's trails.
func ctTrails(a *compliance.Account) []ctTrail {
	var out []ctTrail
	for _, it := range a.Items(collect.TypeCloudTrailTrail) {
		c := it.Conf()
		t := ctTrail{it: it, name: inventory.Str(c, "name")}
		if t.name == "" {
			t.name = it.ResourceID
		}
		t.multiRegion, _ = inventory.Bool(c, "isMultiRegionTrail")
		t.logging, t.loggingErr = ctLogging(it)
		t.events, t.eventsErr = ctSelectors(it)
		out = append(out, t)
	}
	return out
}

// ctLogging reads the logging status (GetTrailStatus' isLogging, in
// supplementaryConfiguration.TrailStatus or, flattened, in the
// configuration).
func ctLogging(it *inventory.Item) (bool, string) {
	if why := monItemError(it, "GetTrailStatus"); why != "" {
		return false, why
	}
	if on, ok := inventory.Bool(it.Supp(), "TrailStatus", "isLogging"); ok {
		return on, ""
	}
	if on, ok := inventory.Bool(it.Conf(), "isLogging"); ok {
		return on, ""
	}
	return false, "the logging status of trail " + it.ResourceID + " is not recorded"
}

// ctSelectors reads what the trail's classic or advanced event
// selectors record. A trail without custom selectors records all
// management events (CloudTrail's default).
func ctSelectors(it *inventory.Item) (ctEvents, string) {
	if why := monItemError(it, "GetEventSelectors"); why != "" {
		return ctEvents{}, why
	}
	supp := it.Supp()
	classic, hasClassic := inventory.Get(supp, "EventSelectors").([]any)
	advanced, hasAdvanced := inventory.Get(supp, "AdvancedEventSelectors").([]any)
	if !hasClassic && !hasAdvanced {
		classic, hasClassic = inventory.Get(it.Conf(), "eventSelectors").([]any)
		advanced, hasAdvanced = inventory.Get(it.Conf(), "advancedEventSelectors").([]any)
	}
	if !hasClassic && !hasAdvanced {
		if custom, ok := inventory.Bool(it.Conf(), "hasCustomEventSelectors"); ok && !custom {
			return ctEvents{mgmtRead: true, mgmtWrite: true}, ""
		}
		return ctEvents{}, "the event selectors of trail " + it.ResourceID + " are not recorded"
	}
	var ev ctEvents
	for _, s := range classic {
		read, write := ctReadWrite(inventory.Str(s, "readWriteType"))
		if mgmt, ok := inventory.Bool(s, "includeManagementEvents"); mgmt || !ok {
			ev.mgmtRead, ev.mgmtWrite = ev.mgmtRead || read, ev.mgmtWrite || write
		}
		for _, d := range inventory.List(s, "dataResources") {
			if inventory.Str(d, "type") != "AWS::S3::Object" {
				continue
			}
			for _, v := range inventory.List(d, "values") {
				if ctAllBuckets(fmt.Sprint(v)) {
					ev.s3Read, ev.s3Write = ev.s3Read || read, ev.s3Write || write
				}
			}
		}
	}
	for _, s := range advanced {
		ctAdvancedSelector(s, &ev)
	}
	return ev, ""
}

// ctReadWrite maps a classic selector's readWriteType (default All).
func ctReadWrite(t string) (read, write bool) {
	switch strings.ToLower(t) {
	case "readonly":
		return true, false
	case "writeonly":
		return false, true
	}
	return true, true
}

// ctAllBuckets reports whether a data resource value selects every bucket
// ("arn:aws:s3" or "arn:aws:s3:::" in any partition).
func ctAllBuckets(v string) bool {
	v = strings.TrimSuffix(v, ":::")
	return strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":s3") && strings.Count(v, ":") == 2
}

// ctAdvancedSelector adds what one advanced event selector records to ev.
// A selector narrowed by any field other than eventCategory,
// resources.type and readOnly (eventName, resources.ARN of some buckets,
// eventSource exclusions) does not record all events and is ignored.
func ctAdvancedSelector(s any, ev *ctEvents) {
	var category, resType string
	read, write := true, true
	for _, f := range inventory.List(s, "fieldSelectors") {
		field := inventory.Str(f, "field")
		eq := inventory.List(f, "equals")
		for _, k := range []string{"startsWith", "endsWith", "notEquals", "notStartsWith", "notEndsWith"} {
			if len(inventory.List(f, k)) > 0 && !(strings.EqualFold(field, "resources.ARN") && k == "startsWith" && ctAllBucketsList(inventory.List(f, k))) {
				return
			}
		}
		switch {
		case strings.EqualFold(field, "eventCategory") && len(eq) == 1:
			category = fmt.Sprint(eq[0])
		case strings.EqualFold(field, "resources.type") && len(eq) == 1:
			resType = fmt.Sprint(eq[0])
		case strings.EqualFold(field, "readOnly") && len(eq) == 1:
			ro := strings.EqualFold(fmt.Sprint(eq[0]), "true")
			read, write = ro, !ro
		case strings.EqualFold(field, "resources.ARN") && len(eq) == 0:
			// StartsWith every bucket, checked above.
		default:
			return
		}
	}
	switch {
	case strings.EqualFold(category, "Management"):
		ev.mgmtRead, ev.mgmtWrite = ev.mgmtRead || read, ev.mgmtWrite || write
	case strings.EqualFold(category, "Data") && resType == "AWS::S3::Object":
		ev.s3Read, ev.s3Write = ev.s3Read || read, ev.s3Write || write
	}
}

func ctAllBucketsList(l []any) bool {
	for _, v := range l {
		if !ctAllBuckets(fmt.Sprint(v)) {
			return false
		}
	}
	return len(l) > 0
}

// ctProblem says why t is not a logging trail recording management
// events for read and write ("" when it is); unknown reports whether the
// answer is missing data rather than a fact.
func ctProblem(t ctTrail, needMultiRegion bool) (problem string, unknown bool) {
	switch {
	case needMultiRegion && !t.multiRegion:
		return "trail " + t.name + " is not multi-region", false
	case t.loggingErr != "":
		return t.loggingErr, true
	case !t.logging:
		return "trail " + t.name + " is not logging", false
	case t.eventsErr != "":
		return t.eventsErr, true
	case !t.events.mgmtRead || !t.events.mgmtWrite:
		return "trail " + t.name + " does not record both read and write management events", false
	}
	return "", false
}

// ctEachTrail evaluates a per-trail setting over every trail.
func ctEachTrail(a *compliance.Account, fn func(t ctTrail) compliance.Result) []compliance.Result {
	all := ctTrails(a)
	byItem := map[*inventory.Item]ctTrail{}
	for _, t := range all {
		byItem[t.it] = t
	}
	return monEachItem(a, collect.TypeCloudTrailTrail, "the account has no CloudTrail trail", func(it *inventory.Item) (compliance.Result, bool) {
		return fn(byItem[it]), true
	})
}

// monTime reads a timestamp in any of the spellings AWS and Config use
// (ISO 8601 text, epoch seconds or milliseconds).
func monTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		t, err := inventory.ParseTime(x)
		return t, err == nil && !t.IsZero()
	case float64:
		if x > 1e11 {
			return time.UnixMilli(int64(x)).UTC(), true
		}
		return time.Unix(int64(x), 0).UTC(), x > 0
	}
	return time.Time{}, false
}

// monPlural renders "1 trail" / "2 trails".
func monPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ctS3DataEvents evaluates CIS 4.8/4.9: a logging trail records S3
// object-level events of every bucket (write events when write, else read
// events).
func ctS3DataEvents(a *compliance.Account, write bool) []compliance.Result {
	kind := "read"
	if write {
		kind = "write"
	}
	unknown := ""
	n := 0
	for _, t := range ctTrails(a) {
		n++
		covered := t.events.s3Read
		if write {
			covered = t.events.s3Write
		}
		switch {
		case t.eventsErr != "":
			unknown = t.eventsErr
		case !covered:
		case t.loggingErr != "":
			unknown = t.loggingErr
		case !t.logging:
		default:
			return []compliance.Result{compliance.PassFor(t.it, "trail %s records S3 object-level %s events of all buckets", t.name, kind)}
		}
	}
	if g := monFirstGap(a, collect.TypeCloudTrailTrail); g != nil {
		return []compliance.Result{compliance.GapResult(g.Region, collect.TypeCloudTrailTrail, g)}
	}
	if unknown != "" {
		return []compliance.Result{compliance.AccountResult("", collect.TypeCloudTrailTrail, compliance.Error, "%s", unknown)}
	}
	return []compliance.Result{compliance.AccountResult("", collect.TypeCloudTrailTrail, compliance.Fail,
		"none of the account's %s that is logging records S3 object-level %s events of all buckets", monPlural(n, "trail"), kind)}
}

// kmsPublicStatement returns the Sid (or position) of the first Allow
// statement of doc open to everyone without a condition pinning callers
// to known accounts, organizations or sources — the same evaluation as
// S3 bucket and Lambda policies (rpPublicAllow), with kms:CallerAccount
// among the restricting keys.
func kmsPublicStatement(doc map[string]any) (string, bool) {
	for i, st := range rpStatements(doc) {
		if _, public := rpPublicAllow(st); public {
			if sid := inventory.Str(st, "Sid"); sid != "" {
				return sid, true
			}
			return fmt.Sprintf("#%d", i+1), true
		}
	}
	return "", false
}
