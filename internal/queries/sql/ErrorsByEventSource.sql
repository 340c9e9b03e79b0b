-- name: ErrorsByEventSource
-- description: Failed calls counted by service and error code, with the principals that got them most.
-- param: days = 30  Days of delivery-date partitions to read.
select eventsource, errorcode,
       count(*) as errors,
       approx_distinct(useridentity.arn) as principals,
       max_by(useridentity.arn, eventtime) as lastprincipal,
       max(eventtime) as lastseen
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and errorcode is not null
group by 1, 2
order by errors desc
