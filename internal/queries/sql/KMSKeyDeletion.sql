-- name: KMSKeyDeletion
-- description: KMS keys scheduled for deletion, disabled or stripped of key material or rotation.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventname,
       json_extract_scalar(requestparameters, '$.keyId') as keyid,
       json_extract_scalar(requestparameters, '$.pendingWindowInDays') as pendingdays,
       useridentity.arn as principal, sourceipaddress, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource = 'kms.amazonaws.com'
  and eventname in ('ScheduleKeyDeletion', 'DisableKey', 'DeleteImportedKeyMaterial', 'DisableKeyRotation')
order by eventtime desc
