-- name: InstanceConversations
-- description: Everyone one instance talked to: per peer address and protocol, flows, bytes and packets each
--   way, rejected flows and the service ports used (the lower port of each flow, up to 10), busiest first.
--   Given an address, flows between two instances of the same VPC count on both interfaces.
-- param: target  Instance id (i-..., formats with instance-id only), network interface id (eni-...) or IP
--   address of the instance.
-- param: days = 7  Days of delivery-date partitions to read.
with recs as (
  select interface_id, srcaddr, dstaddr, srcport, dstport, protocol, action, packets, bytes, start, "end"
  from auditing.flowlogs
  where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
    and log_status = 'OK'
    and (interface_id = {{target}} or instance_id = {{target}} or srcaddr = {{target}} or dstaddr = {{target}})
),
-- The instance's own addresses: the target when it is one; for an instance
-- or interface, on each interface the address (IPv4 and IPv6 apart) found
-- in most of its records, a private one on a tie.
own as (
  select {{target}} as addr
  union
  select addr from (
    select addr,
           rank() over (partition by interface_id, strpos(addr, ':') > 0
                        order by count(*) desc, regexp_like(addr, '^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)') desc) as r
    from (select interface_id, srcaddr as addr from recs union all select interface_id, dstaddr as addr from recs)
    where regexp_like({{target}}, '^(i|eni)-')
    group by interface_id, addr
  ) where r = 1
),
sides as (
  select recs.*, srcaddr in (select addr from own) as outbound
  from recs
)
select case when outbound then dstaddr else srcaddr end as peer,
       protocol,
       count(*) as flows,
       sum(case when outbound then bytes else 0 end) as bytes_out,
       sum(case when outbound then 0 else bytes end) as bytes_in,
       sum(case when outbound then packets else 0 end) as packets_out,
       sum(case when outbound then 0 else packets end) as packets_in,
       count_if(action = 'REJECT') as rejected,
       array_join(slice(array_sort(array_agg(distinct least(srcport, dstport))), 1, 10), ',') as ports,
       min(from_unixtime(start)) as firstseen,
       max(from_unixtime("end")) as lastseen
from sides
group by 1, 2
order by bytes_out + bytes_in desc, peer
limit 100
