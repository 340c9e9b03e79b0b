-- name: TrafficByDestinationPort
-- description: Flows, bytes and distinct sources per protocol and destination port, accepted and rejected,
--   busiest first. Replies go to the clients' ephemeral ports, which spread thin and stay low in the list.
-- param: days = 7  Days of delivery-date partitions to read.
select case protocol when 6 then 'TCP' when 17 then 'UDP' when 1 then 'ICMP' when 58 then 'ICMPv6'
         else cast(protocol as varchar) end as protocol,
       dstport,
       count(*) as flows,
       count_if(action = 'ACCEPT') as accepted,
       count_if(action = 'REJECT') as rejected,
       sum(bytes) as bytes,
       sum(packets) as packets,
       approx_distinct(srcaddr) as sources
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and log_status = 'OK'
group by 1, dstport
order by flows desc, dstport
limit 50
