-- name: NewAccessKeysCreated
-- description: Access keys created, with who created them and for which user.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account,
       coalesce(json_extract_scalar(requestparameters, '$.userName'), useridentity.username) as username,
       json_extract_scalar(responseelements, '$.accessKey.accessKeyId') as accesskeyid,
       useridentity.arn as principal, sourceipaddress, useragent
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource = 'iam.amazonaws.com'
  and eventname = 'CreateAccessKey'
  and errorcode is null
order by eventtime desc
