-- name: TopTalkingInstances
-- description: The 10 instances that sent and received the most bytes (the VPC console's named query of the
--   same name). Formats without instance-id (the default one) show the network interface instead.
-- param: days = 7  Days of delivery-date partitions to read.
select account,
       coalesce(instance_id, interface_id) as instance,
       sum(bytes) as bytes,
       sum(packets) as packets,
       count(*) as flows
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and log_status = 'OK'
group by 1, 2
order by bytes desc, instance
limit 10
