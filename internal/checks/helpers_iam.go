package checks

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Thresholds of the IAM checks, in days (CIS AWS Foundations 7.0).
const (
	iamUnusedDays   = 45 // 2.11: credentials unused this long are disabled
	iamRotationDays = 90 // 2.12: access keys are rotated at least this often
	iamRootUseDays  = 30 // 2.7: root use this recent is reported
)

// iamAccountType is the resource type of results about the account as a
// whole, as AWS Config's periodic rules report them.
const iamAccountType = "AWS::::Account"

// iamDays is the number of whole days from t to now.
func iamDays(t, now time.Time) int { return int(now.Sub(t).Hours() / 24) }

// iamDate renders t as a day.
func iamDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// iamResult is a result about it with any status.
func iamResult(it *inventory.Item, st compliance.Status, format string, args ...any) compliance.Result {
	r := compliance.PassFor(it, format, args...)
	r.Status = st
	return r
}

// iamName is the name of an IAM item: its configuration's key
// (userName, groupName, …), else its resourceName.
func iamName(it *inventory.Item, key string) string {
	if n := inventory.Str(it.Conf(), key); n != "" {
		return n
	}
	return it.ResourceName
}

// iamGapReason explains why a type is missing from the snapshot: the
// collection error when there was one, else "not collected".
func iamGapReason(a *compliance.Account, resourceType, what string) string {
	if g := a.Gap("", resourceType); g != nil {
		return g.Reason()
	}
	return "not collected: " + what + " is not in the snapshot"
}

// iamReportTime reads a credential report time column; false for N/A,
// no_information, not_supported and empty cells.
func iamReportTime(row any, col string) (time.Time, bool) {
	s := inventory.Str(row, col)
	switch s {
	case "", "N/A", "no_information", "not_supported":
		return time.Time{}, false
	}
	t, err := inventory.ParseTime(s)
	return t, err == nil
}

// iamRoot is what the snapshot says about the root user: its credential
// report row (with the report), else the IAM account summary.
type iamRoot struct {
	row     any
	report  *inventory.Item
	summary *inventory.Item
}

func iamRootOf(a *compliance.Account) iamRoot {
	var r iamRoot
	if rep := a.One(collect.TypeCredentialReport); rep != nil {
		for _, row := range inventory.List(rep.Conf(), "rows") {
			if inventory.Str(row, "user") == "<root_account>" {
				r.row, r.report = row, rep
			}
		}
	}
	r.summary = a.One(collect.TypeAccountSummary)
	return r
}

// unknown is the ERROR result when neither source answers.
func (r iamRoot) unknown(a *compliance.Account, what string) compliance.Result {
	var why []string
	if a.One(collect.TypeCredentialReport) != nil {
		why = append(why, "the credential report has no <root_account> row")
	} else {
		why = append(why, iamGapReason(a, collect.TypeCredentialReport, "the credential report"))
	}
	if r.summary == nil {
		why = append(why, iamGapReason(a, collect.TypeAccountSummary, "the IAM account summary"))
	}
	return compliance.AccountResult(inventory.GlobalRegion, iamAccountType, compliance.Error, "cannot tell %s: %s", what, strings.Join(why, "; "))
}

// result is a result about the root user.
func (r iamRoot) result(a *compliance.Account, st compliance.Status, format string, args ...any) compliance.Result {
	res := compliance.AccountResult(inventory.GlobalRegion, iamAccountType, st, format, args...)
	res.ResourceID = a.ID
	res.ResourceARN = "arn:aws:iam::" + a.ID + ":root"
	if arn := inventory.Str(r.row, "arn"); arn != "" {
		res.ResourceARN = arn
	}
	return res
}

// mfa reports whether root has MFA, and whether the snapshot tells.
func (r iamRoot) mfa() (enabled, known bool) {
	if r.row != nil {
		return inventory.Str(r.row, "mfa_active") == "true", true
	}
	if r.summary != nil {
		n, ok := inventory.Int(r.summary.Conf(), "AccountMFAEnabled")
		return n > 0, ok
	}
	return false, false
}

// iamRootWithMFA evaluates the root user once it is known to have MFA:
// ERROR when the snapshot cannot tell, FAIL (noMFA) when it has none,
// else fn's answer.
func iamRootWithMFA(a *compliance.Account, noMFA string, fn func(r iamRoot) compliance.Result) []compliance.Result {
	r := iamRootOf(a)
	switch enabled, known := r.mfa(); {
	case !known:
		return []compliance.Result{r.unknown(a, "whether the root user has MFA")}
	case !enabled:
		return []compliance.Result{r.result(a, compliance.Fail, "%s", noMFA)}
	}
	return []compliance.Result{fn(r)}
}

// iamUser is one IAM user as the credential checks see it: its
// configuration item (with Vigil's supplementaryConfiguration) and/or
// its credential report row. Facts come from the item first (fresher:
// the report may be four hours old), then from the row.
type iamUser struct {
	name, arn string
	item      *inventory.Item // nil when only the report lists the user
	row       any             // nil when no report row
	report    *inventory.Item
	reportGap *inventory.CallError
}

// iamUsers returns the account's users, or an ERROR result when neither
// the users nor the credential report could be collected.
func iamUsers(a *compliance.Account) ([]*iamUser, []compliance.Result) {
	userGap := a.Gap("", collect.TypeIAMUser)
	rep := a.One(collect.TypeCredentialReport)
	repGap := a.Gap("", collect.TypeCredentialReport)
	items := a.Items(collect.TypeIAMUser)
	switch {
	case userGap != nil && rep == nil:
		return nil, []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeIAMUser, userGap)}
	case len(items) == 0 && rep == nil && repGap != nil:
		return nil, []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeCredentialReport, repGap)}
	}
	var users []*iamUser
	byARN, byName := map[string]*iamUser{}, map[string]*iamUser{}
	for _, it := range items {
		u := &iamUser{name: iamName(it, "userName"), arn: it.ARN, item: it, reportGap: repGap}
		if u.arn == "" {
			u.arn = inventory.Str(it.Conf(), "arn")
		}
		users = append(users, u)
		byARN[u.arn], byName[u.name] = u, u
	}
	if rep != nil {
		// Rows of users without an item count only when the users were not
		// collected: otherwise they were deleted since the report was made.
		rowsOnly := userGap != nil || len(items) == 0
		for _, row := range inventory.List(rep.Conf(), "rows") {
			name, arn := inventory.Str(row, "user"), inventory.Str(row, "arn")
			if name == "<root_account>" {
				continue
			}
			u := byARN[arn]
			if u == nil {
				u = byName[name]
			}
			if u == nil {
				if !rowsOnly {
					continue
				}
				u = &iamUser{name: name, arn: arn}
				users = append(users, u)
			}
			u.row, u.report = row, rep
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].name < users[j].name })
	return users, nil
}

// result is a result about the user.
func (u *iamUser) result(st compliance.Status, format string, args ...any) compliance.Result {
	if u.item != nil {
		return iamResult(u.item, st, format, args...)
	}
	r := compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMUser, st, format, args...)
	r.ResourceID, r.ResourceARN = u.name, u.arn
	return r
}

// now is the capture time ages are measured against.
func (u *iamUser) now() time.Time {
	if u.item != nil && !u.item.CaptureTime.IsZero() {
		return u.item.CaptureTime
	}
	if u.report != nil {
		return u.report.CaptureTime
	}
	return time.Time{}
}

// unknown explains why a fact about the user is missing: the failed call
// of the user's item (action), else the credential report's gap.
func (u *iamUser) unknown(action, what string) string {
	if u.item != nil {
		if e := compliance.ItemGap(u.item, action); e != nil {
			return e.Reason()
		}
	}
	if u.reportGap != nil {
		return u.reportGap.Reason()
	}
	return "not collected: the user's " + what + " is in neither its configuration item nor a credential report"
}

// supp returns the user item's supplementary key when the call providing
// it succeeded.
func (u *iamUser) supp(key, action string) (any, bool) {
	if u.item == nil || compliance.ItemGap(u.item, action) != nil {
		return nil, false
	}
	v := inventory.Get(u.item.Supp(), key)
	return v, v != nil
}

// consolePassword reports whether the user has a console password; why
// is set when the snapshot cannot tell.
func (u *iamUser) consolePassword() (has bool, why string) {
	if lp, ok := u.supp("LoginProfile", "GetLoginProfile"); ok {
		if v, ok := inventory.Bool(lp, "exists"); ok {
			return v, ""
		}
	}
	if u.row != nil {
		return inventory.Str(u.row, "password_enabled") == "true", ""
	}
	return false, u.unknown("GetLoginProfile", "login profile")
}

// passwordSet is when the console password was set (zero when unknown).
func (u *iamUser) passwordSet() time.Time {
	if lp, ok := u.supp("LoginProfile", "GetLoginProfile"); ok {
		if t, err := inventory.ParseTime(inventory.Str(lp, "createDate")); err == nil && !t.IsZero() {
			return t
		}
	}
	t, _ := iamReportTime(u.row, "password_last_changed")
	return t
}

// passwordLastUsed is when the console password was last used; used is
// false when it never was. Only the credential report (or a GetUser-shaped
// configuration with passwordLastUsed) knows.
func (u *iamUser) passwordLastUsed() (last time.Time, used bool, why string) {
	if u.row != nil {
		t, ok := iamReportTime(u.row, "password_last_used")
		return t, ok, ""
	}
	if u.item != nil {
		if s := inventory.Str(u.item.Conf(), "passwordLastUsed"); s != "" {
			t, err := inventory.ParseTime(s)
			return t, err == nil, ""
		}
	}
	if u.reportGap != nil {
		return time.Time{}, false, u.reportGap.Reason()
	}
	return time.Time{}, false, "not collected: password last use is only in the credential report, which is not in the snapshot"
}

// mfaActive reports whether the user has an MFA device.
func (u *iamUser) mfaActive() (active bool, why string) {
	if l, ok := u.supp("MfaDevices", "ListMFADevices"); ok {
		list, _ := l.([]any)
		return len(list) > 0, ""
	}
	if u.row != nil {
		return inventory.Str(u.row, "mfa_active") == "true", ""
	}
	return false, u.unknown("ListMFADevices", "MFA devices")
}

// iamKey is one access key of a user.
type iamKey struct {
	label    string    // "access key AKIA…WXYZ" or "access key 1"
	active   bool      // status Active
	created  time.Time // created or last rotated (zero when unknown)
	lastUsed time.Time // zero when never used
	useKnown bool      // false when GetAccessKeyLastUsed failed
}

// accessKeys returns the user's access keys.
func (u *iamUser) accessKeys() ([]iamKey, string) {
	if l, ok := u.supp("AccessKeys", "ListAccessKeys"); ok {
		var keys []iamKey
		list, _ := l.([]any)
		for _, k := range list {
			id := inventory.Str(k, "accessKeyId")
			key := iamKey{label: "access key " + iamMaskKey(id), active: strings.EqualFold(inventory.Str(k, "status"), "Active"), useKnown: true}
			key.created, _ = inventory.ParseTime(inventory.Str(k, "createDate"))
			key.lastUsed, _ = inventory.ParseTime(inventory.Str(k, "lastUsedDate"))
			for _, e := range u.item.Errors {
				if strings.HasSuffix(e.Permission, ":GetAccessKeyLastUsed") && e.Resource == id {
					key.useKnown = false
				}
			}
			keys = append(keys, key)
		}
		return keys, ""
	}
	if u.row != nil {
		var keys []iamKey
		for _, n := range []string{"1", "2"} {
			p := "access_key_" + n + "_"
			if inventory.Str(u.row, p+"active") == "" {
				continue
			}
			key := iamKey{label: "access key " + n, active: inventory.Str(u.row, p+"active") == "true", useKnown: true}
			key.created, _ = iamReportTime(u.row, p+"last_rotated")
			key.lastUsed, _ = iamReportTime(u.row, p+"last_used_date")
			if key.active || !key.created.IsZero() {
				keys = append(keys, key)
			}
		}
		return keys, ""
	}
	return nil, u.unknown("ListAccessKeys", "access keys")
}

// iamMaskKey shortens an access key id to its first and last four
// characters: enough to find it, not the whole identifier.
func iamMaskKey(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}

// iamPolicyDocs decodes policy documents in every form Vigil and Config
// use: an object, a JSON or URL-encoded JSON string, or a list of those
// (AWS Config's example items wrap documents in a one-element array).
func iamPolicyDocs(v any) []map[string]any {
	if l, ok := v.([]any); ok {
		var out []map[string]any
		for _, x := range l {
			out = append(out, iamPolicyDocs(x)...)
		}
		return out
	}
	if d := inventory.PolicyDoc(v); d != nil {
		return []map[string]any{d}
	}
	return nil
}

// iamStrings reads a policy element that is a string or a list of them.
func iamStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, y := range x {
			if s, ok := y.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// iamAdminGrant describes the first statement of docs that grants full
// administrative privileges, or returns "". A statement does when it
// allows every action ("*" or "*:*") on every resource, or allows
// everything but some actions (NotAction) on every resource while IAM
// itself stays allowed, which is admin by another name; NotResource counts
// as every resource. Conditions are not weighed.
func iamAdminGrant(docs []map[string]any) string {
	for _, doc := range docs {
		var stmts []any
		switch s := inventory.Get(doc, "Statement").(type) {
		case []any:
			stmts = s
		case map[string]any:
			stmts = []any{s}
		}
		for _, st := range stmts {
			if !strings.EqualFold(inventory.Str(st, "Effect"), "Allow") {
				continue
			}
			everywhere := inventory.Get(st, "NotResource") != nil
			for _, r := range iamStrings(inventory.Get(st, "Resource")) {
				everywhere = everywhere || r == "*"
			}
			if !everywhere {
				continue
			}
			for _, act := range iamStrings(inventory.Get(st, "Action")) {
				if act == "*" || act == "*:*" {
					return fmt.Sprintf("allows Action %q on every resource", act)
				}
			}
			if na := inventory.Get(st, "NotAction"); na != nil && !iamCoversIAM(iamStrings(na)) {
				return fmt.Sprintf("allows every action except %s (NotAction) on every resource, IAM included", strings.Join(iamStrings(na), ", "))
			}
		}
	}
	return ""
}

// iamCoversIAM reports whether the action patterns cover every IAM action.
func iamCoversIAM(patterns []string) bool {
	for _, p := range patterns {
		p = strings.ToLower(p)
		if p == "*" || p == "*:*" || (strings.HasSuffix(p, "*") && strings.HasPrefix("iam:", strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// iamDefaultDocs returns the documents of a managed policy's default
// version.
func iamDefaultDocs(p *inventory.Item) []map[string]any {
	conf := p.Conf()
	versions := inventory.List(conf, "policyVersionList")
	defaultID := inventory.Str(conf, "defaultVersionId")
	for _, v := range versions {
		if d, _ := inventory.Bool(v, "isDefaultVersion"); d || (defaultID != "" && inventory.Str(v, "versionId") == defaultID) {
			return iamPolicyDocs(inventory.Get(v, "document"))
		}
	}
	if len(versions) == 1 {
		return iamPolicyDocs(inventory.Get(versions[0], "document"))
	}
	return iamPolicyDocs(inventory.Get(conf, "document"))
}

// iamAWSManaged reports whether a policy ARN names an AWS managed policy
// (arn:<partition>:iam::aws:policy/…).
func iamAWSManaged(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[4] == "aws"
}

// iamPrincipalTypes are the types whose items attach managed policies.
var iamPrincipalTypes = []string{collect.TypeIAMUser, collect.TypeIAMGroup, collect.TypeIAMRole}

// iamAttachments maps each managed policy ARN to the principals it is
// attached to ("user alice", "group admins", "role ops"), or returns the
// ERROR result when a principal type could not be collected.
func iamAttachments(a *compliance.Account) (map[string][]string, []compliance.Result) {
	out := map[string][]string{}
	for _, typ := range iamPrincipalTypes {
		if g := a.Gap("", typ); g != nil {
			return nil, []compliance.Result{compliance.GapResult(inventory.GlobalRegion, typ, g)}
		}
		kind := strings.ToLower(strings.TrimPrefix(typ, "AWS::IAM::"))
		for _, it := range a.Items(typ) {
			name := iamName(it, kind+"Name")
			for _, p := range inventory.List(it.Conf(), "attachedManagedPolicies") {
				arn := inventory.Str(p, "policyArn")
				out[arn] = append(out[arn], kind+" "+name)
			}
		}
	}
	return out, nil
}

// iamAttachedAWSPolicy lists the principals a given AWS managed policy
// (by name) is attached to, in any partition.
func iamAttachedAWSPolicy(attached map[string][]string, name string) []string {
	var who []string
	for arn, principals := range attached {
		if iamAWSManaged(arn) && strings.HasSuffix(arn, ":policy/"+name) {
			who = append(who, principals...)
		}
	}
	sort.Strings(who)
	return who
}

// iamEachUser evaluates fn over every IAM user: ERROR when the users
// could not be collected, NOT_APPLICABLE when there are none, ERROR for
// a user whose items carry no capture time (ages need one).
func iamEachUser(a *compliance.Account, fn func(u *iamUser, now time.Time) compliance.Result) []compliance.Result {
	users, errs := iamUsers(a)
	if errs != nil {
		return errs
	}
	if len(users) == 0 {
		return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMUser, compliance.NotApplicable, "the account has no IAM users")}
	}
	var out []compliance.Result
	for _, u := range users {
		now := u.now()
		if now.IsZero() {
			out = append(out, u.result(compliance.Error, "user %s: the snapshot has no capture time to measure ages against", u.name))
			continue
		}
		out = append(out, fn(u, now))
	}
	return out
}

// iamEachUserActiveKeys evaluates the active access keys of every user.
// judge returns what is wrong with a key ("" when nothing), or known
// false when the snapshot cannot tell. A user FAILs naming every key
// judged wrong; else answers ERROR when a key could not be judged
// (unknown explains it, given the keys' labels); else PASSes, with ok
// when it has active keys.
func iamEachUserActiveKeys(a *compliance.Account, judge func(k iamKey, now time.Time) (problem string, known bool), unknown func(u *iamUser, keys string) string, ok string) []compliance.Result {
	return iamEachUser(a, func(u *iamUser, now time.Time) compliance.Result {
		keys, why := u.accessKeys()
		if why != "" {
			return u.result(compliance.Error, "user %s: %s", u.name, why)
		}
		var problems, undecided []string
		active := 0
		for _, k := range keys {
			if !k.active {
				continue
			}
			active++
			switch problem, known := judge(k, now); {
			case !known:
				undecided = append(undecided, k.label)
			case problem != "":
				problems = append(problems, problem)
			}
		}
		switch {
		case len(problems) > 0:
			return u.result(compliance.Fail, "user %s: %s", u.name, strings.Join(problems, "; "))
		case len(undecided) > 0:
			return u.result(compliance.Error, "user %s: %s", u.name, unknown(u, strings.Join(undecided, ", ")))
		case active == 0:
			return u.result(compliance.Pass, "user %s has no active access keys", u.name)
		}
		return u.result(compliance.Pass, "user %s: %s", u.name, ok)
	})
}

// iamAdminPolicies evaluates the managed policies of one kind (AWS or
// customer managed, attached or not) for statements granting full
// administrative privileges: one result per policy, FAIL naming the
// statement. Attached AWS managed policies Config does not record (it
// records customer managed ones only) are known for AdministratorAccess
// and an ERROR otherwise.
func iamAdminPolicies(a *compliance.Account, awsManaged, attached bool) []compliance.Result {
	if g := a.Gap("", collect.TypeIAMPolicy); g != nil {
		return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeIAMPolicy, g)}
	}
	attachments, errs := iamAttachments(a)
	if errs != nil {
		return errs
	}
	var out []compliance.Result
	seen := map[string]bool{}
	for _, p := range a.Items(collect.TypeIAMPolicy) {
		arn := p.ARN
		if arn == "" {
			arn = inventory.Str(p.Conf(), "arn")
		}
		seen[arn] = true
		n, _ := inventory.Int(p.Conf(), "attachmentCount")
		isAttached := n > 0 || len(attachments[arn]) > 0
		if iamAWSManaged(arn) != awsManaged || isAttached != attached {
			continue
		}
		name := iamName(p, "policyName")
		where := ""
		if who := attachments[arn]; len(who) > 0 {
			sort.Strings(who)
			where = " (attached to " + strings.Join(who, ", ") + ")"
		}
		docs := iamDefaultDocs(p)
		if docs == nil {
			out = append(out, compliance.ErrorFor(p, "policy %s: its default version's document is not in the configuration item", name))
			continue
		}
		if grant := iamAdminGrant(docs); grant != "" {
			out = append(out, compliance.FailFor(p, "policy %s%s %s", name, where, grant))
		} else {
			out = append(out, compliance.PassFor(p, "policy %s%s grants no full administrative privileges", name, where))
		}
	}
	if awsManaged && attached {
		var missing []string
		for arn := range attachments {
			if iamAWSManaged(arn) && !seen[arn] {
				missing = append(missing, arn)
			}
		}
		sort.Strings(missing)
		for _, arn := range missing {
			name := arn[strings.LastIndexByte(arn, '/')+1:]
			where := " (attached to " + strings.Join(attachments[arn], ", ") + ")"
			r := compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMPolicy, compliance.Error,
				"policy %s%s: its document is not in the snapshot (AWS Config records customer managed policies only)", name, where)
			if name == "AdministratorAccess" {
				r = compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMPolicy, compliance.Fail,
					"policy %s%s allows Action \"*\" on every resource (AWS's definition of the policy)", name, where)
			}
			r.ResourceID, r.ResourceARN = arn, arn
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		kind := map[bool]string{true: "AWS managed", false: "customer managed"}[awsManaged]
		state := map[bool]string{true: "attached", false: "unattached"}[attached]
		return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMPolicy, compliance.NotApplicable, "the account has no %s %s policies", state, kind)}
	}
	return out
}

// iamOrgManual is the result of an organization-level control that API
// data cannot decide: NOT_APPLICABLE when IAM says the account is in no
// organization, else MANUAL with what to verify.
func iamOrgManual(a *compliance.Account, verify string) []compliance.Result {
	if it := a.One(collect.TypeOrganizationsFeatures); it != nil && inventory.Str(it.Conf(), "unavailable") == "OrganizationNotFoundException" {
		return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, iamAccountType, compliance.NotApplicable, "the account is not in an AWS Organization")}
	}
	return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, iamAccountType, compliance.Manual, "%s", verify)}
}
