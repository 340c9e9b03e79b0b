-- name: SecurityServicesDisabled
-- description: Calls that turn off or blind GuardDuty, Security Hub, AWS Config, Access Analyzer,
--   Macie, Detective or Inspector, including denied attempts.
-- param: days = 30  Days of delivery-date partitions to read.
select eventtime, account, awsregion, eventsource, eventname,
       useridentity.arn as principal, sourceipaddress, errorcode
from auditing.cloudtrail
where date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')
  and eventname in ('DeleteDetector', 'UpdateDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
                    'StopMonitoringMembers', 'DeleteMembers', 'CreateFilter', 'UpdateFilter', 'DeleteIPSet', 'DeleteThreatIntelSet',
                    'DisableSecurityHub', 'BatchDisableStandards', 'DeleteInsight',
                    'StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule',
                    'DeleteAnalyzer', 'DisableMacie', 'DisableOrganizationAdminAccount', 'DeleteGraph', 'Disable')
  and eventsource in ('guardduty.amazonaws.com', 'securityhub.amazonaws.com', 'config.amazonaws.com',
                      'access-analyzer.amazonaws.com', 'macie2.amazonaws.com', 'detective.amazonaws.com',
                      'inspector2.amazonaws.com')
order by eventtime desc
