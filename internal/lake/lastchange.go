package lake

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Change is a CloudTrail event that changed a resource: who, when, from
// where.
type Change struct {
	ResourceID string
	EventTime  string
	EventName  string
	EventID    string
	Principal  string
	SourceIP   string
	UserAgent  string
}

// LastChanges finds, for each resource id of one account, the newest
// successful write event in auditing.cloudtrail that names it (in its
// resources, request parameters or response elements), looking back
// `since`. Ids shorter than 4 characters are ignored (they would match
// everything).
func (e *Engine) LastChanges(ctx context.Context, account string, ids []string, since time.Duration) (map[string]Change, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, err
	}
	var vals []string
	for _, id := range ids {
		if len(id) >= 4 {
			vals = append(vals, "("+quote(id)+")")
		}
	}
	out := map[string]Change{}
	if len(vals) == 0 {
		return out, nil
	}
	from := time.Now().UTC().Add(-since)
	q := fmt.Sprintf(`WITH ids(id) AS (VALUES %s)
	SELECT ids.id, c.eventtime, c.eventname, c.eventid, coalesce(c.useridentity.arn, c.useridentity.principalid, ''),
	       coalesce(c.sourceipaddress, ''), coalesce(c.useragent, '')
	FROM auditing.cloudtrail c JOIN ids ON
	     contains(coalesce(c.requestparameters, ''), ids.id)
	  OR contains(coalesce(c.responseelements, ''), ids.id)
	  OR list_contains(list_transform(coalesce(c.resources, []), r -> r.arn), ids.id)
	  OR len(list_filter(coalesce(c.resources, []), r -> contains(coalesce(r.arn, ''), ids.id))) > 0
	WHERE c.account = ? AND c.date >= ? AND coalesce(c.readonly, 'false') <> 'true' AND c.errorcode IS NULL
	  AND c.eventname NOT LIKE 'Get%%' AND c.eventname NOT LIKE 'List%%' AND c.eventname NOT LIKE 'Describe%%'
	QUALIFY row_number() OVER (PARTITION BY ids.id ORDER BY c.eventtime DESC) = 1`, strings.Join(vals, ","))
	rows, err := e.db.QueryContext(ctx, q, account, from.Format("2006-01-02"))
	if err != nil {
		return nil, fmt.Errorf("find the events that changed the resources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.ResourceID, &c.EventTime, &c.EventName, &c.EventID, &c.Principal, &c.SourceIP, &c.UserAgent); err != nil {
			return nil, err
		}
		out[c.ResourceID] = c
	}
	return out, rows.Err()
}
