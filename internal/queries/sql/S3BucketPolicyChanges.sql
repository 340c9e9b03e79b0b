-- name: S3BucketPolicyChanges
-- description: Changes to S3 bucket policies, ACLs, public access blocks, ownership, CORS and website settings.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventname,
       json_extract_scalar(requestparameters, '$.bucketName') as bucket,
       useridentity.arn as principal, sourceipaddress, errorcode, requestparameters
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource in ('s3.amazonaws.com', 's3-control.amazonaws.com')
  and eventname in ('PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl',
                    'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
                    'PutPublicAccessBlock', 'DeletePublicAccessBlock',
                    'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
                    'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
                    'PutBucketCors', 'PutBucketWebsite')
order by eventtime desc
