-- name: Partitions
-- description: Partitions (account, region, delivery date) with their event counts, newest first.
-- param: days = 30  Days of delivery-date partitions to read.
select account, region, date, count(*) as events
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
group by account, region, date
order by date desc, account, region
