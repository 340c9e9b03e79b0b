-- name: VpcFlowLogsAcceptedTraffic
-- description: The 100 latest accepted flows (the VPC console's named query of the same name).
-- param: days = 7  Days of delivery-date partitions to read.
select from_unixtime(start) as starttime, account, interface_id, srcaddr, srcport, dstaddr, dstport, protocol,
       packets, bytes
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and action = 'ACCEPT'
order by start desc, interface_id, srcaddr, srcport
limit 100
