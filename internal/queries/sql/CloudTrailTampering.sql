-- name: CloudTrailTampering
-- description: Calls that stop, delete or narrow CloudTrail logging, including denied attempts.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.name'),
                json_extract_scalar(requestparameters, '$.trailName'),
                json_extract_scalar(requestparameters, '$.eventDataStore'),
                json_extract_scalar(requestparameters, '$.channel')) as target,
       useridentity.arn as principal, sourceipaddress, useragent, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventsource = 'cloudtrail.amazonaws.com'
  and eventname in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
                    'DeleteEventDataStore', 'UpdateEventDataStore', 'StopEventDataStoreIngestion',
                    'DeleteChannel', 'UpdateChannel', 'DeleteResourcePolicy')
order by eventtime desc
