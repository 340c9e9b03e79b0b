-- name: RejectedTrafficBySource
-- description: The 50 source addresses with the most rejected flows, with how many destination addresses,
--   ports and network interfaces they tried: scanners and probes first.
-- param: days = 7  Days of delivery-date partitions to read.
select srcaddr,
       count(*) as rejected,
       count(distinct dstaddr) as dstaddrs,
       count(distinct dstport) as dstports,
       count(distinct interface_id) as interfaces,
       sum(packets) as packets,
       min(from_unixtime(start)) as firstseen,
       max(from_unixtime("end")) as lastseen
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and action = 'REJECT'
group by srcaddr
order by rejected desc, srcaddr
limit 50
