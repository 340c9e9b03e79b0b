package flowlogs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(trafficVolumeUnusual) }

// A remote host gets unusual volume when the instance sends it at least
// volumeFloor bytes within one clock hour and at least volumeFactor
// times the most the instance sent any other host in any hour.
const (
	volumeFloor   = 512 << 20
	volumeFactor  = 10
	maxRemotes    = 1024
	volumeSamples = 16
)

var trafficVolumeUnusual = &detect.Detection{
	ID:        "behavior.ec2_traffic_volume_unusual",
	Type:      "Behavior:EC2/TrafficVolumeUnusual",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Instance is sending an unusually large amount of traffic to a remote host",
	Description: "An instance sends one public address at least 512 MiB within a clock hour (UTC), and at " +
		"least 10 times the instance's baseline: the most it sent any other remote host in any hour (over " +
		"the last 48 hours of records, and the largest hour of earlier runs). Bytes are those of records " +
		"from the instance to the host. Traffic to AWS services is left out: records with a " +
		"pkt-dst-aws-service or traffic-path 7 (gateway endpoint), and Amazon S3's published address ranges, " +
		"which v2 records cannot otherwise tell from an outside host.",
	FalsePositives: "A first large upload to a new partner or a new off-site backup: archive, or suppress " +
		"by instance and remote address. An instance's first hours have no baseline: only the 512 MiB floor applies.",
	Key:       "instance (or interface) and remote address",
	Technique: "T1048",
	Source:    detect.SourceFlowLogs,
	NewStateful: func() detect.Stateful {
		return &volume{Insts: map[string]*instVolume{}}
	},
}

type volume struct {
	Insts map[string]*instVolume `json:"instances"`
	Max   int64                  `json:"max"`
}

type instVolume struct {
	// Baseline is the largest hourly volume to one host of pruned hours.
	Baseline int64                    `json:"baseline"`
	Last     int64                    `json:"last"`
	Remotes  map[string]*remoteVolume `json:"remotes"`
}

type remoteVolume struct {
	Hours   map[int64]*distinct `json:"hrs"` // hour -> records and their bytes
	Samples samples             `json:"samples"`
}

func (s *volume) ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, _ *detect.Context) []detect.Hit {
	c, ok := connOf(r)
	if !ok || c.inbound || !Public(c.remote) || c.bytes <= 0 || service(r, c) {
		return nil
	}
	in := s.Insts[c.instance]
	if in == nil {
		if len(s.Insts) >= maxKeys {
			return nil
		}
		in = &instVolume{Remotes: map[string]*remoteVolume{}}
		s.Insts[strings.Clone(c.instance)] = in // the scan's strings share page buffers
	}
	in.Last, s.Max = max(in.Last, c.start), max(s.Max, c.start)
	remote := c.remote.String()
	rv := in.Remotes[remote]
	if rv == nil {
		if len(in.Remotes) >= maxRemotes {
			return nil
		}
		rv = &remoteVolume{Hours: map[int64]*distinct{}}
		in.Remotes[remote] = rv
	}
	d := rv.Hours[c.start/3600]
	if d == nil {
		d = &distinct{}
		rv.Hours[c.start/3600] = d
	}
	d.add(recordHash(r), c.bytes)
	rv.Samples.addFlow(r, p, volumeSamples)
	return nil
}

func (s *volume) Flush(*detect.Context) []detect.Hit {
	var out []detect.Hit
	for inst, in := range s.Insts {
		// The two largest hourly volumes to distinct hosts: a host's
		// baseline is the largest of the others.
		var top1, top2 int64
		var topHost string
		for host, rv := range in.Remotes {
			var m int64
			for _, d := range rv.Hours {
				m = max(m, d.sum())
			}
			switch {
			case m > top1:
				top1, top2, topHost = m, top1, host
			case m > top2:
				top2 = m
			}
		}
		for host, rv := range in.Remotes {
			base := top1
			if host == topHost {
				base = top2
			}
			base = max(base, in.Baseline)
			var worst, hour int64
			for h, d := range rv.Hours {
				if b := d.sum(); b > worst || b == worst && h < hour {
					worst, hour = b, h
				}
			}
			if worst < volumeFloor || worst < volumeFactor*base || len(rv.Samples) == 0 {
				continue
			}
			h := rv.Samples.hit(inst, host)
			at := time.Unix(hour*3600, 0).UTC().Format("2006-01-02 15:04")
			h.Description = fmt.Sprintf("%s sent %d MiB to %s in the hour from %s UTC; its baseline is %d MiB per host and hour.",
				inst, worst>>20, host, at, base>>20)
			h.Info = map[string]string{"bytes": strconv.FormatInt(worst, 10), "baselineBytes": strconv.FormatInt(base, 10), "hour": at}
			out = append(out, h)
		}
	}
	s.prune()
	return out
}

// prune folds hours older than stateHorizon into the baseline and forgets
// instances silent as long.
func (s *volume) prune() {
	limit := (s.Max - int64(stateHorizon.Seconds())) / 3600
	for k, in := range s.Insts {
		if in.Last/3600 < limit {
			delete(s.Insts, k)
			continue
		}
		for host, rv := range in.Remotes {
			for h, d := range rv.Hours {
				if h < limit {
					in.Baseline = max(in.Baseline, d.sum())
					delete(rv.Hours, h)
				}
			}
			if len(rv.Hours) == 0 {
				delete(in.Remotes, host)
			}
		}
	}
}

func (s *volume) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

func (s *volume) UnmarshalState(m json.RawMessage) error {
	s.Insts = nil
	if err := json.Unmarshal(m, s); err != nil {
		return err
	}
	if s.Insts == nil {
		s.Insts = map[string]*instVolume{}
	}
	return nil
}
