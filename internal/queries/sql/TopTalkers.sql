-- name: TopTalkers
-- description: The 50 source and destination address pairs that exchanged the most bytes, with packets, flows,
--   destination ports and when they were seen. Flows between two interfaces of the same VPC are logged on both,
--   so they count twice.
-- param: days = 7  Days of delivery-date partitions to read.
select srcaddr, dstaddr,
       sum(bytes) as bytes,
       sum(packets) as packets,
       count(*) as flows,
       approx_distinct(dstport) as dstports,
       min(from_unixtime(start)) as firstseen,
       max(from_unixtime("end")) as lastseen
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and log_status = 'OK'
group by srcaddr, dstaddr
order by bytes desc
limit 50
