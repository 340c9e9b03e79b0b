-- name: SecurityGroupChanges
-- description: Security groups created, deleted or with rules added, changed or revoked.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.groupId'),
                json_extract_scalar(responseelements, '$.groupId'),
                json_extract_scalar(requestparameters, '$.groupName')) as securitygroup,
       useridentity.arn as principal, sourceipaddress, errorcode, requestparameters
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource = 'ec2.amazonaws.com'
  and eventname in ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress',
                    'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
                    'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules',
                    'UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress')
order by eventtime desc
