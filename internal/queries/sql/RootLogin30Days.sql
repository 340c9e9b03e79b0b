-- name: RootLogin30Days
-- description: Root user activity in the last 30 days that is not an AWS service event and not invoked by a service.
--   Same filter as the baseline's Athena saved query; the boundary day is excluded, as there.
select eventtime, account, awsregion, eventsource, eventname, sourceipaddress, useragent,
       errorcode, errormessage, useridentity.arn as principal, recipientaccountid
from auditing.cloudtrail
where useridentity.type = 'Root'
  and useridentity.invokedby is null
  and eventtype != 'AwsServiceEvent'
  and date > to_iso8601(now() - interval '30' day)
order by eventtime desc
