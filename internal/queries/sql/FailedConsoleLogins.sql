-- name: FailedConsoleLogins
-- description: Failed console logins grouped by user name and source IP, most attempts first.
-- param: days = 30  Days of delivery-date partitions to read.
select coalesce(useridentity.username, useridentity.arn, 'unknown') as username,
       sourceipaddress,
       count(*) as attempts,
       min(eventtime) as firstseen,
       max(eventtime) as lastseen,
       arbitrary(errormessage) as errormessage,
       arbitrary(useragent) as useragent
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventname = 'ConsoleLogin'
  and (json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' or errormessage is not null)
group by 1, 2
order by attempts desc, lastseen desc
