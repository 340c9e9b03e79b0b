-- name: ConsoleLogins
-- description: Every console login, successful or not, with its MFA use and outcome.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, useridentity.type as identitytype,
       coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) as username,
       useridentity.arn as principal,
       json_extract_scalar(responseelements, '$.ConsoleLogin') as result,
       json_extract_scalar(additionaleventdata, '$.MFAUsed') as mfaused,
       sourceipaddress, useragent, errormessage
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventname = 'ConsoleLogin'
order by eventtime desc
