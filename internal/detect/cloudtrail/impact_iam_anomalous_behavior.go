package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(impactAnomalous) }

// impactAnomalous is the Impact member of the AnomalousBehavior family (anomaly.go).
var impactAnomalous = anomalyDetection("impact.iam_anomalous_behavior", tacticImpact, vigil.SeverityHigh, "T1485", "commonly used to tamper with data or processes")
