package flowlogs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// defaultFormat is the version 2 default format, in AWS's order.
var defaultFormat = []vigil.FlowField{
	vigil.FlowVersion, vigil.FlowAccountID, vigil.FlowInterfaceID, vigil.FlowSrcAddr, vigil.FlowDstAddr,
	vigil.FlowSrcPort, vigil.FlowDstPort, vigil.FlowProtocol, vigil.FlowPackets, vigil.FlowBytes,
	vigil.FlowStart, vigil.FlowEnd, vigil.FlowAction, vigil.FlowLogStatus,
}

// DefaultFormat returns the default flow log format: the 14 version 2
// fields, in AWS's order. The caller owns the slice.
func DefaultFormat() []vigil.FlowField { return slices.Clone(defaultFormat) }

// fieldsByName maps both spellings of a field name, AWS's ("account-id")
// and Athena's ("account_id"), to the field.
var fieldsByName = func() map[string]vigil.FlowField {
	m := make(map[string]vigil.FlowField, 2*vigil.NumFlowFields)
	for f, name := range vigil.FlowFieldNames {
		m[name] = vigil.FlowField(f)
		m[strings.ReplaceAll(name, "-", "_")] = vigil.FlowField(f)
	}
	return m
}()

// numeric caches vigil.FlowNumeric for the per-field hot path.
var numeric = func() (n [vigil.NumFlowFields]bool) {
	for f := range n {
		n[f] = vigil.FlowNumeric(vigil.FlowField(f))
	}
	return n
}()

// FieldByName returns the field named name, spelled as AWS does
// ("account-id") or as the Athena or Parquet column ("account_id").
func FieldByName(name string) (vigil.FlowField, bool) {
	f, ok := fieldsByName[name]
	return f, ok
}

// UnknownFieldError reports a field name that vigil.FlowRecord has no
// column for: a typo, a field AWS added after version 8 (resource-id,
// encryption-status), or a Transit Gateway Flow Logs field.
type UnknownFieldError struct {
	Name string
	Line int // line of the header naming it; 0 when not read from a file
}

func (e *UnknownFieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	fmt.Fprintf(&b, "unknown flow log field %q", e.Name)
	b.WriteString(" (vigil.FlowRecord has no such column; supported: VPC Flow Logs versions 2 to 8 and Transit Gateway Flow Logs)")
	return b.String()
}

// errEmptyFormat is returned for a format without fields.
var errEmptyFormat = errors.New("empty flow log format")

// ParseFormat parses a flow log format, either as a file header names it
// ("version account-id interface-id ...") or as given to
// `aws ec2 create-flow-logs --log-format` ("${version} ${account-id} ...").
// Field names may also be spelled with underscores, as Athena columns.
// An unknown name is reported as an *UnknownFieldError.
func ParseFormat(s string) ([]vigil.FlowField, error) {
	var out []vigil.FlowField
	var seen uint64
	for tok := range strings.FieldsSeq(s) {
		name := tok
		if strings.HasPrefix(name, "${") && strings.HasSuffix(name, "}") {
			name = name[2 : len(name)-1]
		}
		f, ok := fieldsByName[name]
		if !ok {
			return nil, &UnknownFieldError{Name: name}
		}
		if seen&(1<<f) != 0 {
			return nil, fmt.Errorf("duplicate flow log field %q", name)
		}
		seen |= 1 << f
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, errEmptyFormat
	}
	return out, nil
}
