package sigma

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// rawRule is a Sigma rule file as written.
type rawRule struct {
	Title          string         `yaml:"title"`
	ID             string         `yaml:"id"`
	Status         string         `yaml:"status"`
	Description    string         `yaml:"description"`
	Author         string         `yaml:"author"`
	Level          string         `yaml:"level"`
	Tags           []string       `yaml:"tags"`
	FalsePositives any            `yaml:"falsepositives"`
	Action         string         `yaml:"action"`
	Correlation    any            `yaml:"correlation"`
	LogSource      rawLogSource   `yaml:"logsource"`
	Detection      map[string]any `yaml:"detection"`
}

type rawLogSource struct {
	Product  string `yaml:"product"`
	Service  string `yaml:"service"`
	Category string `yaml:"category"`
}

// Severities of Sigma levels, in GuardDuty's bands.
var levels = map[string]vigil.Severity{
	"informational": vigil.SeverityLow,
	"low":           vigil.SeverityLow,
	"medium":        vigil.SeverityMedium,
	"high":          vigil.SeverityHigh,
	"critical":      vigil.SeverityCritical,
}

// Load parses every *.yml and *.yaml file below dir, in lexical order.
// It returns a detection for each AWS CloudTrail rule, and an error (a
// *RuleError) for each file that is skipped (another log source,
// ErrSkipped), uses an unsupported feature (ErrUnsupported) or is
// malformed, and for rules whose ID or type repeats an earlier rule's.
func Load(dir string) ([]detect.Detection, []error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".yml" || ext == ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, []error{fmt.Errorf("sigma rules in %s: %w", dir, err)}
	}
	sort.Strings(files)
	var out []detect.Detection
	var errs []error
	ids, types := map[string]string{}, map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("sigma rules: %w", err))
			continue
		}
		d, err := Parse(data, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := ids[d.ID]; ok {
			errs = append(errs, &RuleError{File: f, RuleID: d.ID, Err: fmt.Errorf("detection ID %s already used by %s", d.ID, prev)})
			continue
		}
		if prev, ok := types[d.Type]; ok {
			errs = append(errs, &RuleError{File: f, RuleID: d.ID, Err: fmt.Errorf("finding type %s already produced by %s", d.Type, prev)})
			continue
		}
		ids[d.ID], types[d.Type] = f, f
		out = append(out, d)
	}
	return out, errs
}

// Parse turns one Sigma rule into a detection. name identifies the rule
// in errors (usually its file path). Errors are *RuleError.
func Parse(data []byte, name string) (detect.Detection, error) {
	var r rawRule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return detect.Detection{}, &RuleError{File: name, Err: fmt.Errorf("decode yaml: %w", err)}
	}
	fail := func(err error) (detect.Detection, error) {
		return detect.Detection{}, &RuleError{File: name, RuleID: r.ID, Err: err}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return fail(unsupported("multi-document YAML (rule collections)"))
	}
	if r.Correlation != nil {
		return fail(unsupported("correlation rule"))
	}
	if r.Action != "" {
		return fail(unsupported("action " + r.Action + " (rule collections)"))
	}
	ls := r.LogSource
	if !strings.EqualFold(ls.Product, "aws") || !strings.EqualFold(ls.Service, "cloudtrail") {
		return fail(fmt.Errorf("%w: logsource product %q, service %q, category %q is not product aws, service cloudtrail",
			ErrSkipped, ls.Product, ls.Service, ls.Category))
	}
	if ls.Category != "" {
		return fail(unsupported("logsource category " + ls.Category + " with aws/cloudtrail"))
	}
	if strings.TrimSpace(r.Title) == "" {
		return fail(errors.New("no title"))
	}
	sev := vigil.SeverityMedium // Sigma's level is optional; medium is the middle.
	if r.Level != "" {
		s, ok := levels[strings.ToLower(r.Level)]
		if !ok {
			return fail(fmt.Errorf("unknown level %q", r.Level))
		}
		sev = s
	}
	cond, err := compileDetection(r.Detection)
	if err != nil {
		return fail(err)
	}
	fps, err := falsePositives(r.FalsePositives)
	if err != nil {
		return fail(err)
	}
	id, err := detectionID(r.ID, name)
	if err != nil {
		return fail(err)
	}
	return newDetection(&r, name, id, sev, fps, cond), nil
}

// compileDetection compiles the detection section into its condition
// tree, each identifier bound to its compiled selection.
func compileDetection(det map[string]any) (*node, error) {
	if len(det) == 0 {
		return nil, errors.New("no detection section")
	}
	if _, ok := det["timeframe"]; ok {
		return nil, unsupported("timeframe (aggregation over time)")
	}
	var conds []string
	switch c := det["condition"].(type) {
	case string:
		conds = []string{c}
	case []any:
		for _, x := range c {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("condition list element %v is not a string", x)
			}
			conds = append(conds, s)
		}
	case nil:
		return nil, errors.New("no condition")
	default:
		return nil, fmt.Errorf("condition %v is not a string", c)
	}
	sels := map[string]*selection{}
	var names []string
	for k, v := range det {
		if k == "condition" {
			continue
		}
		s, err := compileSelection(v)
		if err != nil {
			return nil, fmt.Errorf("search identifier %s: %w", k, err)
		}
		sels[k] = s
		names = append(names, k)
	}
	slices.Sort(names)
	var tree *node
	for _, c := range conds {
		n, err := parseCondition(c)
		if err != nil {
			return nil, err
		}
		if n, err = resolve(n, names); err != nil {
			return nil, err
		}
		tree = orNode(tree, n)
	}
	bind(tree, sels)
	return tree, nil
}

func orNode(a, b *node) *node {
	if a == nil {
		return b
	}
	return join(nodeOr, a, b)
}

func bind(n *node, sels map[string]*selection) {
	if n.kind == nodeIdent {
		n.sel = sels[n.ident]
	}
	for _, k := range n.kids {
		bind(k, sels)
	}
}

// eval reports whether the condition holds for e.
func (n *node) eval(e *vigil.Event, st *state) bool {
	switch n.kind {
	case nodeIdent:
		return n.sel.match(e, st)
	case nodeNot:
		return !n.kids[0].eval(e, st)
	case nodeAnd:
		for _, k := range n.kids {
			if !k.eval(e, st) {
				return false
			}
		}
		return true
	case nodeOr:
		for _, k := range n.kids {
			if k.eval(e, st) {
				return true
			}
		}
		return false
	}
	panic(fmt.Sprintf("BUG: unresolved condition node %v", n.kind))
}

func compileSelection(v any) (*selection, error) {
	switch x := v.(type) {
	case map[string]any:
		alt, err := compileMap(x)
		if err != nil {
			return nil, err
		}
		return &selection{alts: [][]fieldCond{alt}}, nil
	case []any:
		s := &selection{}
		for _, el := range x {
			m, ok := el.(map[string]any)
			if !ok {
				return nil, unsupported("keyword search (a list of values without field names)")
			}
			alt, err := compileMap(m)
			if err != nil {
				return nil, err
			}
			s.alts = append(s.alts, alt)
		}
		if len(s.alts) == 0 {
			return nil, errors.New("empty list")
		}
		return s, nil
	}
	return nil, unsupported(fmt.Sprintf("keyword search (a bare value %v)", v))
}

func compileMap(m map[string]any) ([]fieldCond, error) {
	if len(m) == 0 {
		return nil, errors.New("empty map")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Cheap scalar fields first: a failed match then skips JSON parsing.
	slices.SortStableFunc(keys, func(a, b string) int {
		return boolCmp(isJSONPath(a), isJSONPath(b))
	})
	var out []fieldCond
	for _, k := range keys {
		fc, err := compileField(k, m[k])
		if err != nil {
			return nil, err
		}
		out = append(out, fc)
	}
	return out, nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func isJSONPath(key string) bool { return strings.Contains(strings.SplitN(key, "|", 2)[0], ".") }

func compileField(key string, v any) (fieldCond, error) {
	parts := strings.Split(key, "|")
	if parts[0] == "" {
		return fieldCond{}, unsupported("keyword search (field name missing in " + key + ")")
	}
	f, err := lookupField(parts[0])
	if err != nil {
		return fieldCond{}, err
	}
	mods, err := parseModifiers(parts[1:])
	if err != nil {
		return fieldCond{}, err
	}
	fc := fieldCond{f: f, all: mods.all}
	var values []any
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return fieldCond{}, fmt.Errorf("field %s: empty value list", key)
		}
		values = x
	default:
		values = []any{x}
	}
	if mods.exists {
		if len(values) != 1 {
			return fieldCond{}, fmt.Errorf("field %s: exists takes one boolean", key)
		}
		b, ok := values[0].(bool)
		if !ok {
			return fieldCond{}, fmt.Errorf("field %s: exists takes true or false, not %v", key, values[0])
		}
		fc.exists = &b
		return fc, nil
	}
	plain, literals := true, []string(nil)
	for _, val := range values {
		var s string
		switch y := val.(type) {
		case nil:
			fc.null = true
			continue
		case string:
			s = y
		case int, int64, uint64, float64, bool:
			s = fmt.Sprint(y)
		default:
			return fieldCond{}, unsupported(fmt.Sprintf("field %s: nested value %v", key, val))
		}
		if s == "" && mods.op == "" {
			// vigil.Event does not tell an empty string from a missing key.
			fc.null = true
			continue
		}
		if lit, wild := unescape(s); mods.op == "" && !wild {
			literals = append(literals, lit)
		} else {
			plain = false
		}
		m, err := newValueMatcher(s, mods)
		if err != nil {
			return fieldCond{}, fmt.Errorf("field %s: %w", key, err)
		}
		fc.vals = append(fc.vals, m)
	}
	if plain && !fc.null {
		fc.literals = literals
	}
	if fc.all && fc.null {
		return fieldCond{}, unsupported("field " + key + ": all with a null value")
	}
	return fc, nil
}

func falsePositives(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		var out []string
		for _, el := range x {
			out = append(out, fmt.Sprint(el))
		}
		return out, nil
	}
	return nil, fmt.Errorf("falsepositives %v is neither a string nor a list", v)
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// detectionID derives the public detection ID sigma.<rule id>: the rule's
// id (a UUID in SigmaHQ's rules) in lower case with - as _, or, for a rule
// without id, file_<file name>.
func detectionID(ruleID, name string) (string, error) {
	s := ruleID
	prefix := ""
	if strings.TrimSpace(s) == "" {
		s = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		prefix = "file_"
	}
	s = strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if s == "" {
		return "", fmt.Errorf("cannot derive a detection ID from id %q and file %q", ruleID, name)
	}
	return "sigma." + prefix + s, nil
}

// findingType derives the finding type Sigma:IAMUser/<Title>.<Tag>: the
// title in CamelCase, cut to keep the type within 50 characters, and Tag
// the first 8 characters of the rule's UUID (or of a hash of the ID) so
// that types are unique.
func findingType(title, id string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	camel := b.String()
	if camel == "" {
		camel = "Rule"
	}
	if len(camel) > 23 {
		camel = camel[:23]
	}
	tag := strings.ReplaceAll(strings.TrimPrefix(id, "sigma."), "_", "")
	if len(tag) < 8 || strings.HasPrefix(tag, "file") {
		sum := sha256.Sum256([]byte(id))
		tag = hex.EncodeToString(sum[:])
	}
	return "Sigma:IAMUser/" + camel + "." + tag[:8]
}

var techniquePattern = regexp.MustCompile(`^attack\.(t\d{4}(\.\d{3})?)$`)

func newDetection(r *rawRule, name, id string, sev vigil.Severity, fps []string, cond *node) detect.Detection {
	var technique string
	for _, t := range r.Tags {
		if m := techniquePattern.FindStringSubmatch(strings.ToLower(t)); m != nil {
			technique = strings.ToUpper(m[1])
			break
		}
	}
	desc := strings.TrimSpace(r.Description)
	if desc == "" {
		desc = "No description."
	}
	desc = fmt.Sprintf("Sigma rule %s (id %s, level %s, status %s) by %s, loaded from %s. %s Condition: %s. Tags: %s.",
		r.Title, orNone(r.ID), orNone(r.Level), orNone(r.Status), orNone(r.Author), name, desc, cond,
		orNone(strings.Join(r.Tags, ", ")))
	fp := "The rule names no false positives; review matches before acting."
	if len(fps) > 0 {
		fp = "As stated by the rule: " + strings.Join(fps, "; ") + "."
	}
	info := map[string]string{
		"sigmaId":     r.ID,
		"sigmaTitle":  r.Title,
		"sigmaLevel":  r.Level,
		"sigmaTags":   strings.Join(r.Tags, ","),
		"sigmaAuthor": r.Author,
		"sigmaFile":   name,
	}
	for k, v := range info {
		if v == "" {
			delete(info, k)
		}
	}
	title := r.Title
	return detect.Detection{
		ID:             id,
		Type:           findingType(r.Title, id),
		Namespace:      detect.NamespaceVigil,
		Severity:       sev,
		Title:          title,
		Description:    desc,
		FalsePositives: fp,
		Key:            "access key",
		Technique:      technique,
		Source:         detect.SourceCloudTrail,
		Events:         requiredEvents(cond),
		Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
			var st state
			if !cond.eval(e, &st) {
				return nil
			}
			return &detect.Hit{
				Info:        maps.Clone(info),
				Description: fmt.Sprintf("Sigma rule %q matched API %s called by %s from %s.", title, e.EventName, caller(e), orNone(e.SourceIPAddress)),
			}
		},
	}
}

func caller(e *vigil.Event) string {
	switch {
	case e.UserIdentity.ARN != "":
		return e.UserIdentity.ARN
	case e.UserIdentity.Type != "":
		return e.UserIdentity.Type
	}
	return "an unknown principal"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
