package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(initialAccessAnomalous) }

// initialAccessAnomalous is the InitialAccess member of the AnomalousBehavior family (anomaly.go).
var initialAccessAnomalous = anomalyDetection("initial_access.iam_anomalous_behavior", tacticInitialAccess, vigil.SeverityMedium, "T1078", "commonly used to gain unauthorized access")
