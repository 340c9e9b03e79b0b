package detect

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Data sources of detections.
const (
	SourceCloudTrail = "cloudtrail"
	SourceFlowLogs   = "flowlogs"
)

// Namespaces of finding types: GuardDuty's own types, and Vigil's types
// for attacks GuardDuty reports only as anomalies (documented in
// docs/detections.md). Both follow GuardDuty's naming scheme
// ThreatPurpose:ResourceType/ThreatFamily.DetectionMechanism.
const (
	NamespaceGuardDuty = "GuardDuty"
	NamespaceVigil     = "Vigil"
)

// Detection is one detection rule: its public metadata and its logic.
// Exactly one of Match, MatchFlow and NewStateful is set.
type Detection struct {
	// ID is public API: <tactic>.<service>_<behaviour>. Never reused.
	ID string
	// Aliases are former IDs.
	Aliases []string
	// Type is the finding type, e.g. "Policy:IAMUser/RootCredentialUsage".
	Type string
	// Namespace is NamespaceGuardDuty or NamespaceVigil.
	Namespace string
	// Severity is the default severity; a Hit may raise or lower it.
	Severity vigil.Severity
	// Title is the finding's title, one line.
	Title string
	// Description says what the detection looks for and how, in sentences.
	Description string
	// FalsePositives says when it fires on benign activity and what to do.
	FalsePositives string
	// Key says what one finding stands for: the resource and actor its
	// hits aggregate by, within an account and region ("access key and
	// remote IP address").
	Key string
	// Technique is the MITRE ATT&CK technique, if one fits.
	Technique string
	// Source is SourceCloudTrail or SourceFlowLogs.
	Source string
	// Events lists the eventNames Match looks at; the engine calls Match
	// only for them. Nil means every event.
	Events []string

	// Match inspects one CloudTrail event. It must be pure: no clock, no
	// I/O, no globals; it may be called concurrently and must not retain e.
	Match func(e *vigil.Event, c *Context) *Hit
	// MatchFlow inspects one flow-log record, under the same rules.
	MatchFlow func(r *vigil.FlowRecord, c *Context) *Hit
	// NewStateful returns a fresh instance of a detection with history.
	NewStateful func() Stateful
	// Model names a stateful model several detections share: the engine
	// runs one instance per Model (from the NewStateful of the member
	// first by ID), feeds it every record once, and routes each hit to
	// the member its Hit.Detection names. The state is stored under the
	// Model's name. Empty: the detection runs an instance of its own.
	Model string
}

// Hit is a detection firing on a record. Hits of one detection in one
// account and region with the same Resource and Actor aggregate into one
// finding (GuardDuty's "same finding type and parameter set").
type Hit struct {
	// Resource identifies the affected resource (bucket, role, snapshot,
	// trail). Empty means the caller's credentials: the access key, or the
	// principal's ARN when it has none.
	Resource string
	// Actor refines the key where GuardDuty does, e.g. the remote IP.
	Actor string
	// Severity overrides the detection's (0: keep it).
	Severity vigil.Severity
	// Title overrides the detection's title.
	Title string
	// Description names what happened and the resource, and ends with a period.
	Description string
	// Buckets are the S3 buckets acted upon: the finding's resource type
	// becomes S3Bucket.
	Buckets []string
	// Info goes to service.additionalInfo.
	Info map[string]string
	// ThreatList and ThreatName name the list entry matched, for
	// service.evidence.threatIntelligenceDetails.
	ThreatList, ThreatName string

	// Event, Flow and Partition are the record the hit is about. The
	// engine sets them for Match and MatchFlow hits; stateful detections
	// set them to a copy they own.
	Event     *vigil.Event
	Flow      *vigil.FlowRecord
	Partition vigil.Partition
	// Refs are further records the hit stands for (stateful detections,
	// e.g. the connections of a port scan); each counts once.
	Refs []Ref
	// Detection is the ID of the detection the hit is for, when a model
	// shared by several detections (Detection.Model) made it; hits for a
	// member not running are dropped. Empty: the detection that made it.
	Detection string
	// Probe makes the finding's action a PORT_PROBE (GuardDuty's
	// portProbeAction, one entry per probing address and port) instead
	// of a NETWORK_CONNECTION; flow-log hits only.
	Probe bool
}

// Ref identifies one record: a CloudTrail eventID or a flow key (see
// FlowKey), its time in vigil.FindingTimeLayout and its partition date.
type Ref struct {
	ID   string
	Time string
	Date string
}

// Stateful is a detection that needs history: baselines, counts, windows.
// The engine serialises calls to one instance. Its state must be
// order-independent within a day: after a set of records it must be the
// same whatever order they came in (keep minima, maxima, sets and counts
// keyed by record time, never "the last value seen"), so that data
// arriving out of order gives the same findings.
type Stateful interface {
	// Flush returns the hits the state proves once a run's records are
	// in (e.g. windows now complete). Called at the end of every run.
	Flush(c *Context) []Hit
	// MarshalState returns the state as JSON; UnmarshalState restores it.
	MarshalState() (json.RawMessage, error)
	UnmarshalState(json.RawMessage) error
}

// EventObserver is a Stateful detection over CloudTrail events.
type EventObserver interface {
	// ObserveEvent folds e into the state and returns hits it already
	// proves. It must not retain e (copy what it keeps). The engine
	// never passes AWS's own events (AWSInternal) nor events from
	// trusted addresses.
	ObserveEvent(e *vigil.Event, p vigil.Partition, c *Context) []Hit
}

// FlowObserver is a Stateful detection over flow-log records.
type FlowObserver interface {
	// ObserveFlow folds r into the state; it must not retain r.
	ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, c *Context) []Hit
}

var (
	idPattern   = regexp.MustCompile(`^[a-z]+(_[a-z]+)*\.[a-z0-9]+(_[a-z0-9]+)*$`)
	typePattern = regexp.MustCompile(`^[A-Za-z]+:[A-Za-z0-9]+/[A-Za-z0-9]+(\.[A-Za-z0-9]+)?(![A-Za-z0-9]+)?$`)
)

// validate reports what is wrong with d's metadata.
func (d *Detection) validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !idPattern.MatchString(d.ID) {
		add("ID %q is not <tactic>.<service>_<behaviour>", d.ID)
	}
	if !typePattern.MatchString(d.Type) {
		add("type %q is not ThreatPurpose:ResourceType/ThreatFamily[.Mechanism]", d.Type)
	}
	// GuardDuty documents 50 characters as the limit, though some of its
	// own types are longer; Vigil's types keep to it.
	if d.Namespace == NamespaceVigil && len(d.Type) > 50 {
		add("type %q is longer than 50 characters", d.Type)
	}
	if d.Namespace != NamespaceGuardDuty && d.Namespace != NamespaceVigil {
		add("namespace %q is neither %s nor %s", d.Namespace, NamespaceGuardDuty, NamespaceVigil)
	}
	if !d.Severity.Valid() {
		add("severity %v is not on the 1-10 scale", d.Severity)
	}
	if strings.TrimSpace(d.Title) == "" {
		add("empty title")
	}
	if strings.TrimSpace(d.Description) == "" {
		add("empty description")
	}
	if strings.TrimSpace(d.FalsePositives) == "" {
		add("no false-positive notes")
	}
	if strings.TrimSpace(d.Key) == "" {
		add("no aggregation key described")
	}
	n := 0
	for _, set := range []bool{d.Match != nil, d.MatchFlow != nil, d.NewStateful != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		add("want exactly one of Match, MatchFlow, NewStateful; have %d", n)
	}
	if d.Model != "" && d.NewStateful == nil {
		add("model %q without NewStateful", d.Model)
	}
	switch d.Source {
	case SourceCloudTrail:
		if d.MatchFlow != nil {
			add("MatchFlow on a %s detection", d.Source)
		}
	case SourceFlowLogs:
		if d.Match != nil || len(d.Events) > 0 {
			add("Match or Events on a %s detection", d.Source)
		}
	default:
		add("source %q is neither %s nor %s", d.Source, SourceCloudTrail, SourceFlowLogs)
	}
	if len(problems) > 0 {
		return fmt.Errorf("detection %s: %s", d.ID, strings.Join(problems, "; "))
	}
	return nil
}
