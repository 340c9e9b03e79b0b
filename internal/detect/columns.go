package detect

// EventColumns are the cloudtrail columns (Athena's names, dotted for
// nested fields) that the built-in detections and the engine read. A
// retro-hunt over the lake decodes only these: the columnar scan's cost
// is per column, and about half of CloudTrail's columns (TLS details,
// addendum, additionalEventData, readOnly, web identity attributes, ...)
// decide no built-in detection. Sigma rules may name any field: a run
// with Sigma rules decodes every column. TestEventColumns fails when code
// in this package or below reads an event field whose column is missing
// here.
var EventColumns = []string{
	"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent",
	"errorcode", "errormessage", "requestparameters", "responseelements", "requestid", "eventid",
	"eventtype", "recipientaccountid", "vpcendpointid", "vpcendpointaccountid",
	"sessioncredentialfromconsole", "vigil_managementevent", "resources",
	"useridentity.type", "useridentity.principalid", "useridentity.arn", "useridentity.accountid",
	"useridentity.invokedby", "useridentity.accesskeyid", "useridentity.username",
	"useridentity.sessioncontext.sessionissuer", "useridentity.sessioncontext.ec2roledelivery",
}
