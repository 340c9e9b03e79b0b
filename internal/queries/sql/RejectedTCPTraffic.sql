-- name: RejectedTCPTraffic
-- description: The 100 latest rejected TCP flows (the VPC console's named query of the same name).
-- param: days = 7  Days of delivery-date partitions to read.
select from_unixtime(start) as starttime, account, interface_id, srcaddr, srcport, dstaddr, dstport, packets,
       bytes
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and action = 'REJECT'
  and protocol = 6
order by start desc, interface_id, srcaddr, dstport
limit 100
