-- name: TotalBytesTransferred
-- description: Bytes, packets and flows per delivery day and account, accepted and rejected apart (the VPC
--   console's named query of the same name, per day).
-- param: days = 7  Days of delivery-date partitions to read.
select date, account,
       sum(bytes) as bytes,
       sum(packets) as packets,
       count_if(action = 'ACCEPT') as accepted,
       count_if(action = 'REJECT') as rejected,
       sum(case when action = 'REJECT' then bytes else 0 end) as rejectedbytes
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and log_status = 'OK'
group by date, account
order by date desc, account
