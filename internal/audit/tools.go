package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// tool is an external auditing CLI run once per account with the
// account's assumed-role credentials in its environment.
type tool struct {
	name string // "prowler", "scoutsuite"
	path string // executable
	args func(outDir, account string, regions []string) []string
}

// knownTools are the seed's tools: how to find and run them.
var knownTools = map[string]struct {
	exe     string
	install string
	args    func(outDir, account string, regions []string) []string
}{
	"prowler": {
		exe:     "prowler",
		install: "pip install prowler",
		args: func(outDir, account string, regions []string) []string {
			a := []string{"aws", "--output-directory", outDir, "--output-filename", "prowler-" + account,
				"--output-formats", "csv", "json-ocsf", "html", "--no-banner"}
			if len(regions) > 0 {
				a = append(a, "--region")
				a = append(a, regions...)
			}
			return a
		},
	},
	"scoutsuite": {
		exe:     "scout",
		install: "pip install scoutsuite",
		args: func(outDir, account string, regions []string) []string {
			a := []string{"aws", "--report-dir", outDir, "--no-browser", "--force"}
			if len(regions) > 0 {
				a = append(a, "--regions")
				a = append(a, regions...)
			}
			return a
		},
	},
}

// lookTools resolves the requested tools; a missing one is an error naming
// what to install, before any account is touched.
func lookTools(names []string) ([]tool, error) {
	var out []tool
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		k, ok := knownTools[n]
		if !ok {
			return nil, fmt.Errorf("--tool %s: unknown tool (have prowler, scoutsuite)", n)
		}
		path, err := exec.LookPath(k.exe)
		if err != nil {
			return nil, fmt.Errorf("--tool %s: %q not found on PATH: install it (%s)", n, k.exe, k.install)
		}
		out = append(out, tool{name: n, path: path, args: k.args})
	}
	return out, nil
}

// run runs the tool for one account: output in ToolDir/<tool>/<account>,
// its console output in ToolDir/<tool>/<account>.log. Credentials reach
// it only through its environment.
func (t tool) run(ctx context.Context, o *Options, account string, creds aws.CredentialsProvider, regions []string) error {
	c, err := creds.Retrieve(ctx)
	if err != nil {
		return err
	}
	dir := filepath.Join(o.ToolDir, t.name, account)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(o.ToolDir, t.name, account+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, t.path, t.args(dir, account, regions)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = toolEnv(os.Environ(), c, regionOf(o, regions), o.Endpoint.EndpointURL)
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("exited with status %d (see %s.log)", ee.ExitCode(), filepath.Join(t.name, account))
		}
		return err
	}
	return nil
}

func regionOf(o *Options, regions []string) string {
	if o.GlobalRegion != "" {
		return o.GlobalRegion
	}
	if len(regions) > 0 {
		return regions[0]
	}
	return "us-east-1"
}

// toolEnv is the parent's environment without any other credential
// source, plus the account's session.
func toolEnv(parent []string, c aws.Credentials, region, endpoint string) []string {
	drop := []string{"AWS_PROFILE=", "AWS_DEFAULT_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=",
		"AWS_SECURITY_TOKEN=", "AWS_REGION=", "AWS_DEFAULT_REGION=", "AWS_ENDPOINT_URL="}
	var env []string
	for _, kv := range parent {
		keep := true
		for _, d := range drop {
			if strings.HasPrefix(kv, d) {
				keep = false
				break
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_ACCESS_KEY_ID="+c.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey,
		"AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
	if c.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.SessionToken)
	}
	if endpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL="+endpoint)
	}
	return env
}
