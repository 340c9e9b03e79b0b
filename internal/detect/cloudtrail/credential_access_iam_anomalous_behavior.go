package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

func init() { register(credentialAccessAnomalous) }

// credentialAccessAnomalous is the CredentialAccess member of the AnomalousBehavior family (anomaly.go).
var credentialAccessAnomalous = anomalyDetection("credential_access.iam_anomalous_behavior", tacticCredentialAccess, vigil.SeverityMedium, "T1552", "commonly used to gain access to credentials")
