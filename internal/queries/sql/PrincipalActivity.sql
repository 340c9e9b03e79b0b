-- name: PrincipalActivity
-- description: Every call made by one principal (user, role session or root), by ARN.
-- param: arn  Principal ARN, e.g. arn:aws:iam::123456789012:user/alice or an assumed-role session ARN.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventsource, eventname,
       sourceipaddress, useragent, useridentity.accesskeyid as accesskeyid, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and useridentity.arn = {{arn}}
order by eventtime desc
