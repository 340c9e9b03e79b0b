-- name: TopCallers
-- description: The 50 principals with the most API calls, with their error count and number of distinct actions.
-- param: days = 30  Days of delivery-date partitions to read.
select coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, 'unknown') as principal,
       count(*) as calls,
       count_if(errorcode is not null) as errors,
       approx_distinct(eventname) as actions,
       approx_distinct(sourceipaddress) as sourceips,
       min(eventtime) as firstseen,
       max(eventtime) as lastseen
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
group by 1
order by calls desc
limit 50
