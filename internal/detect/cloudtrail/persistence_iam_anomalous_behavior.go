package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(persistenceAnomalous) }

// persistenceAnomalous is the Persistence member of the AnomalousBehavior family (anomaly.go).
var persistenceAnomalous = anomalyDetection("persistence.iam_anomalous_behavior", tacticPersistence, vigil.SeverityMedium, "T1098", "commonly used to maintain unauthorized access")
