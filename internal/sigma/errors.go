package sigma

import (
	"errors"
	"fmt"
)

// ErrUnsupported marks a rule that uses a Sigma feature Vigil does not
// implement; ErrSkipped marks a rule for a log source other than AWS
// CloudTrail. Load reports both; neither is fatal to the other rules.
var (
	ErrUnsupported = errors.New("unsupported sigma feature")
	ErrSkipped     = errors.New("rule skipped")
)

// unsupportedError names the feature a rule uses that Vigil lacks.
// The optional err is the cause (a regular expression's compile error).
type unsupportedError struct {
	feature string
	err     error
}

func (e *unsupportedError) Error() string {
	if e.err != nil {
		return "unsupported feature: " + e.feature + ": " + e.err.Error()
	}
	return "unsupported feature: " + e.feature
}

func (e *unsupportedError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrUnsupported, e.err}
	}
	return []error{ErrUnsupported}
}

func unsupported(feature string) error { return &unsupportedError{feature: feature} }

// RuleError is a problem with one rule file: unsupported feature, skipped
// log source, or malformed rule. Errors.Is(err, ErrUnsupported) and
// errors.Is(err, ErrSkipped) tell the first two apart.
type RuleError struct {
	File   string // file name as given to Parse
	RuleID string // the rule's id, if it could be read
	Err    error
}

func (e *RuleError) Error() string {
	id := e.RuleID
	if id == "" {
		id = "?"
	}
	return fmt.Sprintf("sigma %s (id %s): %v", e.File, id, e.Err)
}

// Unwrap returns the underlying problem.
func (e *RuleError) Unwrap() error { return e.Err }
