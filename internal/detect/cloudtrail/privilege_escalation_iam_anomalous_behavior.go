package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(privilegeEscalationAnomalous) }

// privilegeEscalationAnomalous is the PrivilegeEscalation member of the AnomalousBehavior family (anomaly.go).
var privilegeEscalationAnomalous = anomalyDetection("privilege_escalation.iam_anomalous_behavior", tacticPrivilegeEscalation, vigil.SeverityMedium, "T1098", "commonly used to obtain higher-level permissions")
