package baseline

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/queries"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Mode is how GuardDuty, Config and CloudTrail span the accounts.
type Mode string

// Modes.
const (
	// ModeOrganization uses AWS Organizations: a GuardDuty delegated
	// administrator that auto-enables members, an organization Config
	// aggregator and an organization trail.
	ModeOrganization Mode = "organization"
	// ModeInvitation is for accounts outside an organization: the main
	// account invites every member to GuardDuty, each account authorizes the
	// Config aggregator and has a trail of its own.
	ModeInvitation Mode = "invitation"
)

// Defaults of Options.
const (
	DefaultBucketPrefix = "vigil-baseline"
	// DefaultProjectionStart is the first day the Athena tables project.
	DefaultProjectionStart = "2015/01/01"
	// AuditRoleName is the audit role's name in every account.
	AuditRoleName = "AssumableSecurityAuditRole"
	// StackSetPrefix starts the name of every baseline StackSet.
	StackSetPrefix = "vigil-baseline-"
)

// Member is an account invited to GuardDuty in invitation mode, with the
// e-mail address GuardDuty's invitation names (AWS::GuardDuty::Member
// requires it).
type Member struct {
	Account string
	Email   string
}

// Options describe the baseline to render.
type Options struct {
	// Mode defaults to ModeOrganization.
	Mode Mode
	// MainAccount holds the central buckets, the Config aggregator, the
	// Athena tables and the GuardDuty administrator (invitation mode); the
	// audit role trusts it.
	MainAccount string
	// MainRegion is where the central resources live (default us-east-1).
	MainRegion string
	// GlobalRegion is the one region where Config records global resource
	// types (GlobalConfigRegion) and the audit role is deployed (default
	// MainRegion).
	GlobalRegion string
	// OrganizationID (o-...) is required in organization mode: it is part of
	// the organization trail's S3 keys.
	OrganizationID string
	// Accounts are every account of the baseline; MainAccount and the
	// members are added when missing.
	Accounts []string
	// Members are the accounts the main account invites to GuardDuty
	// (invitation mode only, required there).
	Members []Member
	// GuardDutyAdmin is the GuardDuty delegated administrator in
	// organization mode (default MainAccount).
	GuardDutyAdmin string
	// Regions are the regions of the baseline (required).
	Regions []string
	// BucketPrefix starts the central buckets' names (default
	// DefaultBucketPrefix): <prefix>-cloudtrail-<main account>, ...
	BucketPrefix string
	// ProjectionStart is the Athena tables' first day, YYYY/MM/DD (default
	// DefaultProjectionStart).
	ProjectionStart string
	// AuditActions are the audit role's actions (default AuditActions()).
	// Tests pass a fixed list so that golden files do not change with every
	// new collector.
	AuditActions []string
	// Queries are the Athena saved queries (default AthenaQueries()).
	Queries []queries.Query
}

var (
	regionRe       = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	bucketPrefixRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,35}$`)
	emailRe        = regexp.MustCompile(`^[^@\s"]+@[^@\s"]+\.[^@\s"]+$`)
	projectionRe   = regexp.MustCompile(`^[0-9]{4}/[0-9]{2}/[0-9]{2}$`)
)

// OptionError is a bad Options value; Render joins one per problem.
type OptionError struct {
	Option  string // the option, named as its flag: "main-account"
	Value   string // the bad value
	Problem string
}

func (e *OptionError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("--%s: %s", e.Option, e.Problem)
	}
	return fmt.Sprintf("--%s %q: %s", e.Option, e.Value, e.Problem)
}

// normalize applies the defaults and returns every problem at once.
func (o *Options) normalize() error {
	var errs []error
	bad := func(option, value, format string, args ...any) {
		errs = append(errs, &OptionError{option, value, fmt.Sprintf(format, args...)})
	}
	if o.Mode == "" {
		o.Mode = ModeOrganization
	}
	if o.Mode != ModeOrganization && o.Mode != ModeInvitation {
		bad("mode", string(o.Mode), "want organization or invitation")
	}
	if !vigil.IsAccountID(o.MainAccount) {
		bad("main-account", o.MainAccount, "want a 12-digit account ID")
	}
	if o.MainRegion == "" {
		o.MainRegion = "us-east-1"
	}
	if o.GlobalRegion == "" {
		o.GlobalRegion = o.MainRegion
	}
	adminGiven := o.GuardDutyAdmin != ""
	if !adminGiven {
		o.GuardDutyAdmin = o.MainAccount
	}
	if o.BucketPrefix == "" {
		o.BucketPrefix = DefaultBucketPrefix
	}
	if o.ProjectionStart == "" {
		o.ProjectionStart = DefaultProjectionStart
	}
	for _, r := range []struct{ flag, v string }{{"main-region", o.MainRegion}, {"global-region", o.GlobalRegion}} {
		if !regionRe.MatchString(r.v) {
			bad(r.flag, r.v, "want a region name such as us-east-1")
		}
	}
	switch {
	case o.Mode == ModeOrganization && !vigil.IsOrgID(o.OrganizationID):
		bad("organization-id", o.OrganizationID, "want the organization's ID, o- and 10 to 32 letters or digits")
	case o.Mode == ModeInvitation && o.OrganizationID != "":
		bad("organization-id", o.OrganizationID, "only for --mode organization")
	}
	if o.Mode == ModeOrganization && len(o.Members) > 0 {
		bad("member", "", "only for --mode invitation: in an organization GuardDuty enables members itself")
	}
	if o.Mode == ModeInvitation {
		if len(o.Members) == 0 {
			bad("member", "", "invitation mode needs the member accounts and their e-mail addresses (ACCOUNT=EMAIL)")
		}
		if o.GuardDutyAdmin != o.MainAccount {
			bad("guardduty-admin", o.GuardDutyAdmin, "in invitation mode the main account is the GuardDuty administrator")
		}
	}
	if adminGiven && !vigil.IsAccountID(o.GuardDutyAdmin) {
		bad("guardduty-admin", o.GuardDutyAdmin, "want a 12-digit account ID")
	}
	seen := map[string]bool{}
	for _, m := range o.Members {
		switch {
		case !vigil.IsAccountID(m.Account):
			bad("member", m.Account+"="+m.Email, "want a 12-digit account ID")
		case m.Account == o.MainAccount:
			bad("member", m.Account+"="+m.Email, "is the main account, which invites the others")
		case seen[m.Account]:
			bad("member", m.Account+"="+m.Email, "given twice")
		}
		seen[m.Account] = true
		if !emailRe.MatchString(m.Email) {
			bad("member", m.Account+"="+m.Email, "want ACCOUNT=EMAIL with the account's e-mail address")
		}
	}
	slices.SortFunc(o.Members, func(a, b Member) int { return strings.Compare(a.Account, b.Account) })

	accounts := slices.Clone(o.Accounts)
	accounts = append(accounts, o.MainAccount, o.GuardDutyAdmin)
	for _, m := range o.Members {
		accounts = append(accounts, m.Account)
	}
	o.Accounts = sortedSet(accounts)
	for _, a := range o.Accounts {
		// A bad main account or administrator is reported under its own flag.
		if !vigil.IsAccountID(a) && a != o.MainAccount && a != o.GuardDutyAdmin {
			bad("accounts", a, "want a 12-digit account ID")
		}
	}
	o.Regions = sortedSet(o.Regions)
	if len(o.Regions) == 0 {
		bad("regions", "", "give the regions of the baseline")
	}
	for _, r := range o.Regions {
		if !regionRe.MatchString(r) {
			bad("regions", r, "want a region name such as us-east-1")
		}
	}
	if len(o.Regions) > 0 {
		for _, r := range []struct{ flag, v string }{{"main-region", o.MainRegion}, {"global-region", o.GlobalRegion}} {
			if regionRe.MatchString(r.v) && !slices.Contains(o.Regions, r.v) {
				bad(r.flag, r.v, "is not one of --regions")
			}
		}
	}
	if !bucketPrefixRe.MatchString(o.BucketPrefix) || strings.HasSuffix(o.BucketPrefix, "-") {
		bad("bucket-prefix", o.BucketPrefix, "want 1 to 36 lower-case letters, digits or hyphens, not ending with a hyphen")
	}
	if !projectionRe.MatchString(o.ProjectionStart) {
		bad("projection-start", o.ProjectionStart, "want a day YYYY/MM/DD")
	}
	if o.AuditActions == nil {
		o.AuditActions = AuditActions()
	}
	if o.Queries == nil {
		o.Queries = AthenaQueries()
	}
	return errors.Join(errs...)
}

// bucket returns the name of a central bucket.
func (o *Options) bucket(kind string) string {
	return o.BucketPrefix + "-" + kind + "-" + o.MainAccount
}

func sortedSet(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
