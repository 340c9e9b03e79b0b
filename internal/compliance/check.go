package compliance

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Status is a result's verdict.
type Status string

// The statuses, ordered from best to worst for summaries.
const (
	Pass          Status = "PASS"
	Fail          Status = "FAIL"
	NotApplicable Status = "NOT_APPLICABLE"
	Error         Status = "ERROR"
	Manual        Status = "MANUAL"
)

// Severity of a check, as Prowler and Security Hub grade them.
type Severity string

// Severities.
const (
	Critical      Severity = "critical"
	High          Severity = "high"
	Medium        Severity = "medium"
	Low           Severity = "low"
	Informational Severity = "informational"
)

// Rank orders severities: critical 4 … informational 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	switch v := Severity(strings.ToLower(s)); v {
	case Critical, High, Medium, Low, Informational:
		return v, nil
	}
	return "", fmt.Errorf("severity %q: want critical, high, medium, low or informational", s)
}

// Check is one registered check.
type Check struct {
	ID           string   // "iam_password_policy_minimum_length_14"
	Title        string   // one line
	Description  string   // what it verifies and why
	Service      string   // "iam", "s3", "ec2", …
	Severity     Severity // default severity of a FAIL
	ResourceType string   // the type results are about ("AWS::IAM::User")
	Remediation  string   // what to do, with the CLI command where one fits
	// Frameworks maps framework → control ids; filled from frameworks.json
	// at registration.
	Frameworks map[string][]string
	// Eval evaluates the check over one account.
	Eval func(a *Account) []Result
}

// Result is one check's verdict on one resource.
type Result struct {
	Account      string              `json:"account"`
	Region       string              `json:"region"`
	CheckID      string              `json:"check_id"`
	ResourceType string              `json:"resource_type"`
	ResourceID   string              `json:"resource_id"`
	ResourceARN  string              `json:"resource_arn,omitempty"`
	Status       Status              `json:"status"`
	Reason       string              `json:"reason"`
	Severity     Severity            `json:"severity"`
	Frameworks   map[string][]string `json:"frameworks,omitempty"`
	EvaluatedAt  time.Time           `json:"evaluated_at"`
	SnapshotID   string              `json:"snapshot_id,omitempty"`
	Muted        bool                `json:"muted,omitempty"`
	MuteReason   string              `json:"mute_reason,omitempty"`
	Tags         map[string]string   `json:"tags,omitempty"`
}

var (
	mu     sync.Mutex
	checks = map[string]*Check{}
)

// Register adds a check. It panics on duplicate ids and on missing
// metadata: both are programming errors any test catches.
func Register(c *Check) {
	if c.ID == "" || c.Title == "" || c.Eval == nil || c.Severity == "" || c.ResourceType == "" || c.Service == "" {
		panic("compliance: check " + c.ID + " lacks id, title, service, severity, resource type or Eval")
	}
	if _, err := ParseSeverity(string(c.Severity)); err != nil {
		panic("compliance: check " + c.ID + ": " + err.Error())
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := checks[c.ID]; dup {
		panic("compliance: duplicate check " + c.ID)
	}
	c.Frameworks = frameworksOf(c.ID)
	checks[c.ID] = c
}

// Checks returns the registered checks sorted by id.
func Checks() []*Check {
	mu.Lock()
	defer mu.Unlock()
	out := slices.Collect(maps.Values(checks))
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the check with id.
func Lookup(id string) (*Check, bool) {
	mu.Lock()
	defer mu.Unlock()
	c, ok := checks[id]
	return c, ok
}

// Result builders used by checks. They fill the resource fields from the
// item; Evaluate fills account, check id, severity, frameworks and time.

// PassFor is a PASS about it.
func PassFor(it *inventory.Item, format string, args ...any) Result {
	return resultFor(it, Pass, format, args...)
}

// FailFor is a FAIL about it.
func FailFor(it *inventory.Item, format string, args ...any) Result {
	return resultFor(it, Fail, format, args...)
}

// NAFor is a NOT_APPLICABLE about it.
func NAFor(it *inventory.Item, format string, args ...any) Result {
	return resultFor(it, NotApplicable, format, args...)
}

// ErrorFor is an ERROR about it.
func ErrorFor(it *inventory.Item, format string, args ...any) Result {
	return resultFor(it, Error, format, args...)
}

func resultFor(it *inventory.Item, st Status, format string, args ...any) Result {
	return Result{
		Region: it.Region, ResourceType: it.ResourceType, ResourceID: it.ResourceID, ResourceARN: it.ARN,
		Status: st, Reason: fmt.Sprintf(format, args...), Tags: it.Tags,
	}
}

// AccountResult is a result about the account as a whole (in region, ""
// for global), e.g. "no trail logs all regions".
func AccountResult(region, resourceType string, st Status, format string, args ...any) Result {
	return Result{Region: region, ResourceType: resourceType, Status: st, Reason: fmt.Sprintf(format, args...)}
}
