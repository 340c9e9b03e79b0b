-- name: IAMChanges
-- description: Changes to IAM users, groups, roles, policies, credentials and identity providers.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.userName'),
                json_extract_scalar(requestparameters, '$.roleName'),
                json_extract_scalar(requestparameters, '$.groupName'),
                json_extract_scalar(requestparameters, '$.policyArn'),
                json_extract_scalar(requestparameters, '$.policyName')) as target,
       useridentity.arn as principal, sourceipaddress, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource = 'iam.amazonaws.com'
  and regexp_like(eventname, '^(Add|Attach|Change|Create|Deactivate|Delete|Detach|Enable|Put|Remove|Reset|Resync|Set|Tag|Untag|Update|Upload)')
order by eventtime desc
