package baseline

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed templates/*.yaml
var templateFiles embed.FS

// templates are parsed with <% %> delimiters: CloudFormation uses ${...}
// and SSM documents {{ ... }}.
var templates = template.Must(template.New("").Delims("<%", "%>").Funcs(template.FuncMap{
	"q":      yamlQuote,
	"inc":    func(i int) int { return i + 1 },
	"indent": indent,
	"wrap":   wrap,
}).ParseFS(templateFiles, "templates/*.yaml"))

// MaxTemplateBytes is CloudFormation's limit on a template passed inline
// (TemplateBody), which Deploy does.
const MaxTemplateBytes = 51200

// Instance is a stack instance: one account in one region.
type Instance struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Parameter is a StackSet parameter, as in a CloudFormation parameters
// file.
type Parameter struct {
	Key   string `json:"ParameterKey"`
	Value string `json:"ParameterValue"`
}

// StackSet is one rendered StackSet: its template, parameters and the
// instances it needs.
type StackSet struct {
	// Name is the StackSet's name: vigil-baseline-<Short>.
	Name string
	// Short names the control and the files: "config" renders config.yaml
	// and config.parameters.json.
	Short       string
	Description string
	Template    string
	Parameters  []Parameter
	// Instances are where the StackSet deploys, in deployment order: the
	// main account's instance in the main region first (it creates the
	// central resources others use), then the main account's other regions,
	// then the other accounts.
	Instances []Instance
}

// Baseline is a rendered baseline.
type Baseline struct {
	Options   Options
	StackSets []StackSet
}

// Render validates o and renders every StackSet, in deployment order:
// audit role, CloudTrail, Config, flow logs (after Config: it uses a Config
// rule), GuardDuty, Athena tables, Athena saved queries (several StackSets
// when they are too many for one template). Invalid options yield *OptionError values joined
// with errors.Join.
func Render(o Options) (*Baseline, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	policies, err := splitPolicies(o.AuditActions)
	if err != nil {
		return nil, err
	}
	athena, err := newAthenaData(o.Queries)
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		"Organization":    o.Mode == ModeOrganization,
		"RoleName":        AuditRoleName,
		"Policies":        policies,
		"Members":         o.Members,
		"FlowLogFormat":   flowLogFormat(),
		"ProjectionStart": o.ProjectionStart,
		"CloudTrail":      athena.CloudTrail,
		"FlowLogs":        athena.FlowLogs,
		"Views":           athena.Views,
	}
	accounts := strings.Join(o.Accounts, ",")
	everywhere := o.instances(o.Accounts, o.Regions)
	central := []Instance{{o.MainAccount, o.MainRegion}}
	specs := []struct {
		short, description string
		params             []Parameter
		instances          []Instance
	}{
		{"audit-role", "AssumableSecurityAuditRole in every account", []Parameter{
			{"MainAccountId", o.MainAccount},
		}, o.instances(o.Accounts, []string{o.GlobalRegion})},
		{"cloudtrail", "CloudTrail into a central encrypted bucket and CloudWatch Logs", append(append([]Parameter{
			{"MainAccountId", o.MainAccount},
			{"MainRegion", o.MainRegion},
		}, o.trailAccountParams(accounts)...),
			Parameter{"BucketName", o.bucket("cloudtrail")},
		), o.trailInstances(central)},
		{"config", "AWS Config in every account and region, aggregated in the main account", []Parameter{
			{"MainAccountId", o.MainAccount},
			{"MainRegion", o.MainRegion},
			{"GlobalConfigRegion", o.GlobalRegion},
			{"BucketName", o.bucket("config")},
			{"AccountIds", accounts},
		}, everywhere},
		{"flowlogs", "VPC Flow Logs of every VPC to CloudWatch Logs and a central bucket", []Parameter{
			{"MainAccountId", o.MainAccount},
			{"MainRegion", o.MainRegion},
			{"BucketName", o.bucket("flowlogs")},
			{"AccountIds", accounts},
		}, everywhere},
		{"guardduty", "GuardDuty in every account and region", o.guardDutyParams(), o.guardDutyInstances(everywhere)},
		{"athena", "Athena tables and saved queries over the central buckets", append(append([]Parameter{
			{"CloudTrailBucketName", o.bucket("cloudtrail")},
			{"FlowLogBucketName", o.bucket("flowlogs")},
		}, o.orgParam()...),
			Parameter{"AccountIds", accounts},
			Parameter{"Regions", strings.Join(o.Regions, ",")},
			Parameter{"ProjectionStart", o.ProjectionStart},
		), central},
	}
	b := &Baseline{Options: o}
	add := func(short, file, description string, params []Parameter, instances []Instance, data map[string]any) error {
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, file, data); err != nil {
			return fmt.Errorf("BUG: render %s: %w", file, err)
		}
		text := tidy(buf.String())
		if len(text) > MaxTemplateBytes {
			return fmt.Errorf("template %s.yaml is %d bytes, over CloudFormation's limit of %d for a template passed inline", short, len(text), MaxTemplateBytes)
		}
		b.StackSets = append(b.StackSets, StackSet{
			Name: StackSetPrefix + short, Short: short, Description: "Vigil baseline: " + description,
			Template: text, Parameters: params, Instances: o.order(instances),
		})
		return nil
	}
	for _, s := range specs {
		if err := add(s.short, s.short+".yaml", s.description, s.params, s.instances, data); err != nil {
			return nil, err
		}
	}
	parts := splitQueries(athena.Queries)
	for i, part := range parts {
		short, description := "athena-queries", "Vigil's saved queries in Athena"
		if i > 0 {
			short, description = fmt.Sprintf("athena-queries-%d", i+1), fmt.Sprintf("Vigil's saved queries in Athena, part %d", i+1)
		}
		qdata := map[string]any{"Part": 0, "StackSet": StackSetPrefix + short, "Queries": part}
		if len(parts) > 1 {
			qdata["Part"] = i + 1
		}
		if err := add(short, "athena-queries.yaml", description, []Parameter{}, central, qdata); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// queryTemplateBytes bounds the named queries of one template, leaving room
// for the template's frame and each query's YAML keys.
const queryTemplateBytes = MaxTemplateBytes - 4096

// splitQueries packs named queries into templates under CloudFormation's
// size limit.
func splitQueries(qs []namedQuery) [][]namedQuery {
	var out [][]namedQuery
	var cur []namedQuery
	size := 0
	for _, q := range qs {
		n := len(q.SQL) + len(q.Description) + len(q.Name) + len(q.LogicalID) + 300 + 8*strings.Count(q.SQL, "\n")
		if size+n > queryTemplateBytes && len(cur) > 0 {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, q)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func (o *Options) orgParam() []Parameter {
	if o.Mode == ModeOrganization {
		return []Parameter{{"OrganizationId", o.OrganizationID}}
	}
	return nil
}

// trailAccountParams: the organization trail's policies name the
// organization, the invitation mode's the accounts.
func (o *Options) trailAccountParams(accounts string) []Parameter {
	if o.Mode == ModeOrganization {
		return o.orgParam()
	}
	// KeyArn is known once the main account's instance exists: Deploy
	// fills it in.
	return []Parameter{{"AccountIds", accounts}, {"KeyArn", ""}}
}

func (o *Options) guardDutyParams() []Parameter {
	if o.Mode == ModeOrganization {
		return []Parameter{}
	}
	return []Parameter{{"MainAccountId", o.MainAccount}}
}

// guardDutyInstances: the administrator in every region (organization
// mode; GuardDuty enables the members), or every account and region.
func (o *Options) guardDutyInstances(everywhere []Instance) []Instance {
	if o.Mode == ModeOrganization {
		return o.instances([]string{o.GuardDutyAdmin}, o.Regions)
	}
	return everywhere
}

// trailInstances: the organization trail lives in the main account; in
// invitation mode every account has a trail, created in the main region.
func (o *Options) trailInstances(central []Instance) []Instance {
	if o.Mode == ModeOrganization {
		return central
	}
	return o.instances(o.Accounts, []string{o.MainRegion})
}

func (o *Options) instances(accounts, regions []string) []Instance {
	var out []Instance
	for _, a := range accounts {
		for _, r := range regions {
			out = append(out, Instance{a, r})
		}
	}
	return out
}

// order sorts instances into deployment order (see StackSet.Instances).
func (o *Options) order(in []Instance) []Instance {
	rank := func(i Instance) int {
		switch {
		case i.Account == o.MainAccount && i.Region == o.MainRegion:
			return 0
		case i.Account == o.MainAccount:
			return 1
		}
		return 2
	}
	out := make([]Instance, 0, len(in))
	for r := 0; r <= 2; r++ {
		for _, i := range in {
			if rank(i) == r {
				out = append(out, i)
			}
		}
	}
	return out
}

// tidy removes the blank lines template actions leave: at most one blank
// line in a row, none before a line that is more indented than the last
// one, and none at the end.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank && !continuesBlock(out, l) {
			out = append(out, "")
		}
		blank = false
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

// continuesBlock reports whether l continues the YAML block of the last
// line, so that a blank line between them would only be noise.
func continuesBlock(out []string, l string) bool {
	if len(out) == 0 {
		return false
	}
	prev := out[len(out)-1]
	return strings.HasSuffix(prev, ":") && indentOf(l) > indentOf(prev) && !strings.HasPrefix(strings.TrimSpace(l), "#")
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// wrap breaks s at spaces into lines of at most 80 characters, each
// starting with prefix.
func wrap(prefix, s string) string {
	var lines []string
	line := prefix
	for _, w := range strings.Fields(s) {
		if line != prefix && len(line)+1+len(w) > 80 {
			lines = append(lines, line)
			line = prefix
		}
		if line != prefix {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

// yamlQuote returns s as a double-quoted YAML scalar (JSON's string syntax
// is a subset of it).
func yamlQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic("BUG: quote string: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// ParametersJSON returns the StackSet's parameters file: the JSON array
// `aws cloudformation create-stack-set --parameters file://...` reads.
func (s StackSet) ParametersJSON() []byte {
	params := s.Parameters
	if params == nil {
		params = []Parameter{}
	}
	b, err := json.MarshalIndent(params, "", "  ")
	if err != nil {
		panic("BUG: encode parameters: " + err.Error())
	}
	return append(b, '\n')
}

// manifestEntry is one StackSet in stacksets.json.
type manifestEntry struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Template    string     `json:"template"`
	Parameters  string     `json:"parameters"`
	Instances   []Instance `json:"instances"`
}

// Write writes every StackSet's template (<short>.yaml) and parameters file
// (<short>.parameters.json) into dir, and stacksets.json, which lists the
// StackSets in deployment order with their instances. It returns the paths
// written.
func (b *Baseline) Write(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var written []string
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		written = append(written, p)
		return nil
	}
	var manifest []manifestEntry
	for _, s := range b.StackSets {
		if err := write(s.Short+".yaml", []byte(s.Template)); err != nil {
			return written, err
		}
		if err := write(s.Short+".parameters.json", s.ParametersJSON()); err != nil {
			return written, err
		}
		manifest = append(manifest, manifestEntry{s.Name, s.Description, s.Short + ".yaml", s.Short + ".parameters.json", s.Instances})
	}
	m, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return written, fmt.Errorf("BUG: encode manifest: %w", err)
	}
	return written, write("stacksets.json", append(m, '\n'))
}
