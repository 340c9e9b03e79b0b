package cloudtrail

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// principalHistory is a month of one principal's calls: a call a day over
// ten APIs of each tactic, from two addresses and two tools, and a console
// sign-in a day.
func principalHistory(i int, fn func(*vigil.Event)) {
	apis := []string{"ListUsers", "DescribeInstances", "GetBucketPolicy", "CreateAccessKey", "PutRolePolicy",
		"GetSecretValue", "StopLogging", "CreateSnapshot", "DeleteBucket", "GetSessionToken"}
	agents := []string{"aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/macos#23.1"}
	ips := []string{"81.2.69.10", "5.188.10.20"}
	u := vigil.UserIdentity{Type: "IAMUser", ARN: fmt.Sprintf("arn:aws:iam::111122223333:user/u%06d", i), AccountID: "111122223333",
		PrincipalID: fmt.Sprintf("AIDA%012d", i), AccessKeyID: fmt.Sprintf("AKIA%012d", i), UserName: fmt.Sprintf("u%06d", i)}
	start := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	for d := range 30 {
		for k, api := range apis {
			e := vigil.Event{UserIdentity: u, EventTime: start.Add(time.Duration(d)*24*time.Hour + time.Duration(k)*time.Minute).Format(time.RFC3339),
				EventName: api, EventSource: "iam.amazonaws.com", AWSRegion: "us-east-1", SourceIPAddress: ips[(d+k)%2],
				UserAgent: agents[d%2], EventID: fmt.Sprintf("%d-%d-%d", i, d, k), RecipientAccountID: "111122223333"}
			fn(&e)
		}
		e := vigil.Event{UserIdentity: u, EventTime: start.Add(time.Duration(d) * 24 * time.Hour).Format(time.RFC3339), EventName: "ConsoleLogin",
			EventSource: "signin.amazonaws.com", SourceIPAddress: ips[d%2], UserAgent: "Mozilla/5.0", EventID: fmt.Sprintf("%d-%d-login", i, d),
			ResponseElements: `{"ConsoleLogin":"Success"}`, RecipientAccountID: "111122223333"}
		fn(&e)
	}
}

// BenchmarkStateMemory reports, per stateful detection (the eight
// AnomalousBehavior detections are one model), the heap its state holds for 10,000 principals with a month of history (after Flush:
// the steady state between runs) and the size of the saved state.
func BenchmarkStateMemory(b *testing.B) {
	const principals = 10_000
	c := &detect.Context{Geo: geoDB(b, testPlaces...)}
	p := vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2024-05-01"}
	for _, set := range []struct {
		name string
		ds   []*detect.Detection
	}{
		{"anomalous_behavior_family", anomalyDetections()},
		{discoveryAnomalous.ID, []*detect.Detection{discoveryAnomalous}},
		{consoleLoginSuccessB.ID, []*detect.Detection{consoleLoginSuccessB}},
		{instanceCredentialExfiltrationOutsideAWS.ID, []*detect.Detection{instanceCredentialExfiltrationOutsideAWS}},
	} {
		b.Run(set.name, func(b *testing.B) {
			var heap, saved int
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				var states []detect.Stateful
				models := map[string]bool{}
				for _, d := range set.ds {
					if d.Model == "" || !models[d.Model] { // the engine runs one instance per model
						states = append(states, d.NewStateful())
						models[d.Model] = d.Model != ""
					}
				}
				for i := range principals {
					principalHistory(i, func(e *vigil.Event) {
						for _, s := range states {
							s.(detect.EventObserver).ObserveEvent(e, p, c)
						}
					})
				}
				for _, s := range states {
					s.Flush(c)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap, saved = int(after.HeapAlloc)-int(before.HeapAlloc), 0
				for _, s := range states {
					raw, err := s.MarshalState()
					if err != nil {
						b.Fatal(err)
					}
					saved += len(raw)
				}
				runtime.KeepAlive(states)
			}
			b.ReportMetric(float64(heap), "heap-bytes/10k-principals")
			b.ReportMetric(float64(saved), "state-bytes/10k-principals")
		})
	}
}
