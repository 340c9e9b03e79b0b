-- name: AdminRoleLogin30Days
-- description: Logins into admin roles in the last 30 days: console logins and role switches as AdminRole,
--   OrganizationAccountAccessRole or an AWSReservedSSO_AdministratorAccess* role, and AssumeRole* calls for them.
select eventtime, account, eventsource, eventname,
       coalesce(useridentity.sessioncontext.sessionissuer.username,
                regexp_extract(json_extract_scalar(requestparameters, '$.roleArn'), '([^/]+)$', 1)) as role,
       useridentity.arn as principal,
       sourceipaddress, useragent, errorcode,
       useridentity.sessioncontext.attributes.mfaauthenticated as mfa
from auditing.cloudtrail
where date > to_iso8601(now() - interval '30' day)
  and (
    (eventname in ('ConsoleLogin', 'SwitchRole')
      and useridentity.type = 'AssumedRole'
      and regexp_like(useridentity.sessioncontext.sessionissuer.username,
                      '^(AdminRole|OrganizationAccountAccessRole|AWSReservedSSO_AdministratorAccess.*)$'))
    or (eventname like 'AssumeRole%'
      -- cheap text test first: only then parse the JSON
      and (requestparameters like '%AdminRole%' or requestparameters like '%OrganizationAccountAccessRole%'
           or requestparameters like '%AWSReservedSSO_AdministratorAccess%')
      and regexp_like(json_extract_scalar(requestparameters, '$.roleArn'),
                      ':role/(.*/)?(AdminRole|OrganizationAccountAccessRole|AWSReservedSSO_AdministratorAccess[^/]*)$'))
  )
order by eventtime desc
