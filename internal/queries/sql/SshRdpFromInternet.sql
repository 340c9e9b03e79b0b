-- name: SshRdpFromInternet
-- description: SSH (22) and RDP (3389) flows from addresses outside private address space, per source,
--   destination and port, with accepted and rejected counts. Brute force shows as many accepted flows from one
--   address; probing as many rejected ones.
-- param: days = 7  Days of delivery-date partitions to read.
select account, srcaddr, dstaddr, dstport,
       count_if(action = 'ACCEPT') as accepted,
       count_if(action = 'REJECT') as rejected,
       sum(bytes) as bytes,
       min(from_unixtime(start)) as firstseen,
       max(from_unixtime("end")) as lastseen
from auditing.flowlogs
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and dstport in (22, 3389)
  and protocol = 6
  and not regexp_like(srcaddr, '^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|127\.|f[cd]|fe80:)')
group by account, srcaddr, dstaddr, dstport
order by accepted desc, rejected desc, srcaddr
limit 100
