package sigma

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/detect"
)

// BenchmarkMatch runs every test rule over the recorded events, ignoring
// the eventName pre-filter (the worst case).
func BenchmarkMatch(b *testing.B) {
	ds, _ := Load("testdata/rules")
	events := loadRecording(b, "testdata/events/aws.persistence.iam-create-admin-user.json")
	events = append(events, loadRecording(b, "testdata/events/aws.exfiltration.ec2-share-ebs-snapshot.json")...)
	c := &detect.Context{}
	b.ReportAllocs()
	for b.Loop() {
		for i := range events {
			for j := range ds {
				ds[j].Match(&events[i], c)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(events)*len(ds))/b.Elapsed().Seconds(), "matches/s")
}
