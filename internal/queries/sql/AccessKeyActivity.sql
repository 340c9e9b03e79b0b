-- name: AccessKeyActivity
-- description: Everything done with an access key, and the calls that created, changed or deleted it.
-- param: accesskey  Access key ID to follow (AKIA… or ASIA…).
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventsource, eventname,
       useridentity.arn as principal, useridentity.accesskeyid as accesskeyid,
       sourceipaddress, useragent, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and (useridentity.accesskeyid = {{accesskey}}
       or json_extract_scalar(requestparameters, '$.accessKeyId') = {{accesskey}}
       or json_extract_scalar(responseelements, '$.accessKey.accessKeyId') = {{accesskey}})
order by eventtime desc
