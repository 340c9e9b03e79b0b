package checks

import (
	"strconv"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// passwordPolicy evaluates ok over the account's password policy: ERROR
// when it could not be read, FAIL when there is none.
func passwordPolicy(a *compliance.Account, ok func(p *inventory.Item) (bool, string)) []compliance.Result {
	if gap := a.Gap("", collect.TypePasswordPolicy); gap != nil {
		return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypePasswordPolicy, gap)}
	}
	p := a.One(collect.TypePasswordPolicy)
	if p == nil {
		return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypePasswordPolicy, compliance.Error, "not collected: the password policy is not in the snapshot")}
	}
	if exists, known := inventory.Bool(p.Conf(), "exists"); known && !exists {
		return []compliance.Result{compliance.FailFor(p, "the account has no password policy")}
	}
	if good, why := ok(p); good {
		return []compliance.Result{compliance.PassFor(p, "%s", why)}
	} else {
		return []compliance.Result{compliance.FailFor(p, "%s", why)}
	}
}
