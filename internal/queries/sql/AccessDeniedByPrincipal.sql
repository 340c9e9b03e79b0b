-- name: AccessDeniedByPrincipal
-- description: Principals whose calls were denied, with how often and on which actions; reconnaissance with
--   stolen credentials shows up here first.
-- param: days = 30  Days of delivery-date partitions to read.
select coalesce(useridentity.arn, useridentity.principalid, 'unknown') as principal,
       count(*) as denied,
       approx_distinct(eventname) as actions,
       array_join(slice(array_sort(array_agg(distinct eventsource || ':' || eventname)), 1, 20), ', ') as sample,
       min(eventtime) as firstseen,
       max(eventtime) as lastseen
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and (errorcode like '%AccessDenied%' or errorcode like '%UnauthorizedOperation' or errorcode = 'Forbidden')
group by 1
order by denied desc
