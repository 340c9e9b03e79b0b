package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(defenseEvasionAnomalous) }

// defenseEvasionAnomalous is the DefenseEvasion member of the AnomalousBehavior family (anomaly.go).
var defenseEvasionAnomalous = anomalyDetection("defense_evasion.iam_anomalous_behavior", tacticDefenseEvasion, vigil.SeverityMedium, "T1562", "commonly used to evade defensive measures")
