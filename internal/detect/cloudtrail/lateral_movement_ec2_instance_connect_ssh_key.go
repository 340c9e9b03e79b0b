package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(instanceConnectKey) }

var instanceConnectKey = &detect.Detection{
	ID:        "lateral_movement.ec2_instance_connect_ssh_key",
	Type:      "LateralMovement:EC2/InstanceConnectSSHKey",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "An SSH key was pushed to an instance with EC2 Instance Connect",
	Description: "A successful SendSSHPublicKey or SendSerialConsoleSSHPublicKey made with API credentials (not from " +
		"a console session): for 60 seconds the key logs in to the instance as the OS user named, so whoever holds " +
		"cloud credentials gets a shell on the host. Console use of Instance Connect (sessionCredentialFromConsole) is " +
		"not reported.",
	FalsePositives: "Administrators and tools (the mssh/ec2-instance-connect CLI) connecting this way on purpose: " +
		"suppress their principals.",
	Key:       "instance and OS user",
	Technique: "T1021.004",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "ec2-instance-connect.amazonaws.com" || !succeeded(e) || e.SessionCredentialFromConsole == "true" {
			return nil
		}
		p := params(e)
		instance, user := text(get(p, "instanceId")), text(get(p, "instanceOSUser"))
		if user == "" {
			user = "serial console"
		}
		return &detect.Hit{Resource: "instance/" + instance, Actor: user,
			Description: fmt.Sprintf("An SSH key for %s on instance %s was pushed by %s%s.", user, instance, caller(e), from(e))}
	},
}
