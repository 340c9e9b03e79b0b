package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(ssmShellCommand) }

// shellDocuments are the SSM documents that run arbitrary commands.
var shellDocuments = map[string]bool{"AWS-RunShellScript": true, "AWS-RunPowerShellScript": true}

var ssmShellCommand = &detect.Detection{
	ID:        "execution.ssm_shell_command_sent",
	Type:      "Execution:EC2/SSMShellCommandSent",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "Shell commands were sent to instances through SSM",
	Description: "A successful SendCommand with the AWS-RunShellScript or AWS-RunPowerShellScript document: the caller " +
		"runs arbitrary commands as root (or SYSTEM) on the instances named (or targeted by tag), without SSH and " +
		"without a network path, a common way to move from cloud credentials onto hosts. State Manager associations " +
		"and patching run by Systems Manager itself are AWS's own calls and are not seen; other documents " +
		"(AWS-RunPatchBaseline, AWS-ConfigureAWSPackage) are not reported.",
	FalsePositives: "Administrators running ad-hoc commands and automation that drives hosts through Run Command " +
		"(Ansible's SSM connection, deployment tools): suppress their principals.",
	Key:       "caller and document",
	Technique: "T1651",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"SendCommand"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "ssm.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		doc := text(get(p, "documentName"))
		if !shellDocuments[doc] {
			return nil
		}
		where := "instances targeted by tag"
		if ids := texts(get(p, "instanceIds")); len(ids) > 0 {
			where = fmt.Sprintf("%d instances (%s)", len(ids), strings.Join(ids[:min(5, len(ids))], ", "))
		}
		return &detect.Hit{Actor: doc, Description: fmt.Sprintf("%s sent %s commands to %s%s.", caller(e), doc, where, from(e))}
	},
}
