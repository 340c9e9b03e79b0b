-- name: ConsoleLoginWithoutMFA
-- description: Successful console logins of IAM users and root without MFA.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, useridentity.type as identitytype,
       coalesce(useridentity.username, useridentity.arn) as username,
       useridentity.arn as principal, sourceipaddress, useragent
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventname = 'ConsoleLogin'
  and useridentity.type in ('IAMUser', 'Root')
  and json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  and json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
order by eventtime desc
