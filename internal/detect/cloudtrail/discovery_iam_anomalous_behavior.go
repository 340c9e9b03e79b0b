package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(discoveryAnomalous) }

// discoveryAnomalous is the Discovery member of the AnomalousBehavior family (anomaly.go).
var discoveryAnomalous = anomalyDetection("discovery.iam_anomalous_behavior", tacticDiscovery, vigil.SeverityLow, "T1526", "commonly used to discover resources")
