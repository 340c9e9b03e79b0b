-- name: IPActivity
-- description: Every call made from a source IP address.
-- param: ip  Source IP address, exactly as CloudTrail records it.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventsource, eventname,
       useridentity.arn as principal, useridentity.accesskeyid as accesskeyid, useragent, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and sourceipaddress = {{ip}}
order by eventtime desc
