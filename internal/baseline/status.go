package baseline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"
)

// Control is one control of the baseline that Status verifies.
type Control string

// Controls.
const (
	ControlGuardDuty  Control = "guardduty"
	ControlConfig     Control = "config"
	ControlCloudTrail Control = "cloudtrail"
	ControlFlowLogs   Control = "flowlogs"
	// ControlAuditRole is per account: its cells have the region "global".
	ControlAuditRole Control = "audit_role"
)

// RegionalControls are the controls checked in every region, in the
// order Status reports them.
var RegionalControls = []Control{ControlGuardDuty, ControlConfig, ControlCloudTrail, ControlFlowLogs}

// GlobalRegion is the region of a per-account cell.
const GlobalRegion = "global"

// State is a cell's verdict.
type State string

// States.
const (
	StateOn  State = "on"
	StateOff State = "off"
	// StateError: the control could not be verified (the role could not be
	// assumed, an API refused); it counts as not on.
	StateError State = "error"
)

// Cell is the state of one control in one account and region.
type Cell struct {
	Account string
	Region  string
	Control Control
	Status  State
	// Detail names the resource and says what was found, in one sentence.
	Detail string
}

// Matrix is one verification of the baseline.
type Matrix struct {
	CheckedAt time.Time
	Accounts  []string
	Regions   []string
	// Cells are sorted by account, region ("global" first), control.
	Cells []Cell
}

// OK reports whether every control is on everywhere.
func (m *Matrix) OK() bool { return len(m.Problems()) == 0 }

// Problems returns the cells that are not on.
func (m *Matrix) Problems() []Cell {
	var out []Cell
	for _, c := range m.Cells {
		if c.Status != StateOn {
			out = append(out, c)
		}
	}
	return out
}

// Cell returns the cell of a control in an account and region.
func (m *Matrix) Cell(account, region string, c Control) (Cell, bool) {
	for _, x := range m.Cells {
		if x.Account == account && x.Region == region && x.Control == c {
			return x, true
		}
	}
	return Cell{}, false
}

// StatusOptions configure Status.
type StatusOptions struct {
	// AWS acts in the main account; roles are assumed with it (an MFA
	// session when the audit role requires MFA: see MFASession).
	AWS aws.Config
	// Accounts and Regions span the matrix (both required).
	Accounts []string
	Regions  []string
	// GlobalRegion is where Config must record global resource types
	// (GlobalConfigRegion; empty: not checked).
	GlobalRegion string
	// GuardDutyAdmin is the account every other account's detector must
	// publish its findings to (the main account in invitation mode, the
	// delegated administrator in organization mode).
	GuardDutyAdmin string
	// RoleName is the role assumed in each account to check it (default
	// AuditRoleName). The audit role is assumed in every account in any
	// case: that is its control.
	RoleName string
	// Parallel bounds the account × region checks in flight (default 8).
	Parallel int
	// Now is the check time (default time.Now).
	Now time.Time
	// Log receives debug lines (nil: discard).
	Log *slog.Logger
}

// Status verifies, from each service's own API and not from CloudFormation,
// that every control of the baseline is on in every account and region.
// Problems are cells, not errors: Status returns an error only when it could
// not run (bad options, a canceled context).
func Status(ctx context.Context, o StatusOptions) (*Matrix, error) {
	if len(o.Accounts) == 0 || len(o.Regions) == 0 {
		return nil, errors.New("baseline status: no accounts or no regions to check")
	}
	if o.RoleName == "" {
		o.RoleName = AuditRoleName
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	m := &Matrix{CheckedAt: o.Now.UTC().Truncate(time.Millisecond), Accounts: sortedSet(o.Accounts), Regions: sortedSet(o.Regions)}
	var mu sync.Mutex
	add := func(c Cell) {
		mu.Lock()
		m.Cells = append(m.Cells, c)
		mu.Unlock()
	}

	// One session per account: the audit role (its own control), and the
	// checking role when it is another one.
	sessions := make([]aws.Config, len(m.Accounts))
	failures := make([]error, len(m.Accounts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	for i, account := range m.Accounts {
		g.Go(func() error {
			audit, err := AssumeRole(gctx, o.AWS, account, AuditRoleName)
			cell := Cell{Account: account, Region: GlobalRegion, Control: ControlAuditRole, Status: StateOn,
				Detail: fmt.Sprintf("Role %s can be assumed from the main account.", AuditRoleName)}
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				cell.Status, cell.Detail = StateOff, fmt.Sprintf("Role %s cannot be assumed: %s%s.", AuditRoleName, reason(err), mfaHint(err))
			}
			add(cell)
			sessions[i], failures[i] = audit, err
			if o.RoleName != AuditRoleName {
				sessions[i], failures[i] = AssumeRole(gctx, o.AWS, account, o.RoleName)
			}
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	for i, account := range m.Accounts {
		for _, region := range m.Regions {
			if failures[i] != nil {
				for _, c := range RegionalControls {
					add(Cell{Account: account, Region: region, Control: c, Status: StateError,
						Detail: fmt.Sprintf("Not checked: role %s cannot be assumed: %s.", o.RoleName, reason(failures[i]))})
				}
				continue
			}
			g.Go(func() error {
				cfg := sessions[i].Copy()
				cfg.Region = region
				r := &regionCheck{o: &o, cfg: cfg, account: account, region: region}
				for _, c := range RegionalControls {
					cell := r.check(gctx, c)
					if gctx.Err() != nil {
						return gctx.Err()
					}
					add(cell)
				}
				o.Log.Debug("baseline checked", "account", account, "region", region)
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(m.Cells, func(a, b Cell) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), regionOrder(a.Region, b.Region), controlOrder(a.Control)-controlOrder(b.Control))
	})
	return m, nil
}

func regionOrder(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == GlobalRegion:
		return -1
	case b == GlobalRegion:
		return 1
	}
	return strings.Compare(a, b)
}

func controlOrder(c Control) int {
	if c == ControlAuditRole {
		return -1
	}
	return slices.Index(RegionalControls, c)
}

// regionCheck checks the controls of one account and region.
type regionCheck struct {
	o               *StatusOptions
	cfg             aws.Config
	account, region string
}

func (r *regionCheck) check(ctx context.Context, c Control) Cell {
	var status State
	var detail string
	var err error
	switch c {
	case ControlGuardDuty:
		status, detail, err = r.guardDuty(ctx)
	case ControlConfig:
		status, detail, err = r.config(ctx)
	case ControlCloudTrail:
		status, detail, err = r.cloudTrail(ctx)
	case ControlFlowLogs:
		status, detail, err = r.flowLogs(ctx)
	default:
		panic("BUG: unknown control " + string(c))
	}
	if err != nil {
		status, detail = StateError, "Not checked: "+reason(err)+"."
	}
	return Cell{Account: r.account, Region: r.region, Control: c, Status: status, Detail: detail}
}

// regionDisabledCodes are what AWS answers in a region not enabled for the
// account.
var regionDisabledCodes = []string{"AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired"}

// reason renders an error for a cell: the API's code and message, and
// what a region-not-enabled code means.
func reason(err error) string {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return strings.TrimSuffix(err.Error(), ".")
	}
	msg := fmt.Sprintf("%s: %s", ae.ErrorCode(), strings.TrimSuffix(ae.ErrorMessage(), "."))
	var op *smithy.OperationError
	if errors.As(err, &op) {
		msg = op.Service() + " " + op.Operation() + ": " + msg
	}
	if slices.Contains(regionDisabledCodes, ae.ErrorCode()) {
		msg += " (is the region enabled for the account?)"
	}
	return msg
}

// mfaHint reminds, on a denied AssumeRole, that the audit role requires an
// MFA session.
func mfaHint(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied" {
		return " (is vigil-baseline-audit-role deployed there? The role also requires an MFA session)"
	}
	return ""
}

// list renders at most n items, then how many more.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
