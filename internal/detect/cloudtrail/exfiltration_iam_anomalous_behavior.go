package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(exfiltrationAnomalous) }

// exfiltrationAnomalous is the Exfiltration member of the AnomalousBehavior family (anomaly.go).
var exfiltrationAnomalous = anomalyDetection("exfiltration.iam_anomalous_behavior", tacticExfiltration, vigil.SeverityHigh, "T1537", "commonly used to collect data")
