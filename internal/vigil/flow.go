package vigil

// FlowField identifies a VPC Flow Logs field, in AWS's documented order
// (versions 2 to 8), followed by the Transit Gateway Flow Logs fields. See
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html.
type FlowField uint8

// Flow log fields.
const (
	FlowVersion FlowField = iota
	FlowAccountID
	FlowInterfaceID
	FlowSrcAddr
	FlowDstAddr
	FlowSrcPort
	FlowDstPort
	FlowProtocol
	FlowPackets
	FlowBytes
	FlowStart
	FlowEnd
	FlowAction
	FlowLogStatus
	FlowVPCID
	FlowSubnetID
	FlowInstanceID
	FlowTCPFlags
	FlowType
	FlowPktSrcAddr
	FlowPktDstAddr
	FlowRegion
	FlowAZID
	FlowSublocationType
	FlowSublocationID
	FlowPktSrcAWSService
	FlowPktDstAWSService
	FlowFlowDirection
	FlowTrafficPath
	FlowECSClusterARN
	FlowECSClusterName
	FlowECSContainerInstanceARN
	FlowECSContainerInstanceID
	FlowECSContainerID
	FlowECSSecondContainerID
	FlowECSServiceName
	FlowECSTaskDefinitionARN
	FlowECSTaskARN
	FlowECSTaskID
	FlowRejectReason
	// Transit Gateway Flow Logs fields
	// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html).
	FlowResourceType
	FlowTGWID
	FlowTGWAttachmentID
	FlowTGWSrcVPCAccountID
	FlowTGWDstVPCAccountID
	FlowTGWSrcVPCID
	FlowTGWDstVPCID
	FlowTGWSrcSubnetID
	FlowTGWDstSubnetID
	FlowTGWSrcENI
	FlowTGWDstENI
	FlowTGWSrcAZID
	FlowTGWDstAZID
	FlowTGWPairAttachmentID
	FlowPacketsLostNoRoute
	FlowPacketsLostBlackhole
	FlowPacketsLostMTUExceeded
	FlowPacketsLostTTLExpired
	NumFlowFields
)

// FlowFieldNames are the fields' names as AWS writes them in a flow log
// format string and file header ("account-id"); the Athena column name is
// the same with '-' replaced by '_'.
var FlowFieldNames = [NumFlowFields]string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id",
	"tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type",
	"sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
	"ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
	"ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
	"ecs-task-arn", "ecs-task-id", "reject-reason",
	"resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
	"tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni",
	"tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route",
	"packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
}

// FlowRecord is one VPC Flow Logs record. Numeric fields hold their value
// in Int, text fields in Str, both indexed by FlowField; Present has bit f
// set when field f was in the record's format and not '-' (NODATA and
// SKIPDATA records, and fields that do not apply, are '-' and read as
// NULL, as in Athena).
type FlowRecord struct {
	Int     [NumFlowFields]int64
	Str     [NumFlowFields]string
	Present uint64
}

// FlowNumeric reports whether field f is numeric (an Athena int/bigint).
func FlowNumeric(f FlowField) bool {
	switch f {
	case FlowVersion, FlowSrcPort, FlowDstPort, FlowProtocol, FlowPackets, FlowBytes, FlowStart, FlowEnd,
		FlowTCPFlags, FlowTrafficPath, FlowPacketsLostNoRoute, FlowPacketsLostBlackhole,
		FlowPacketsLostMTUExceeded, FlowPacketsLostTTLExpired:
		return true
	}
	return false
}

// Has reports whether field f is present (not NULL).
func (r *FlowRecord) Has(f FlowField) bool { return r.Present&(1<<f) != 0 }

// SetInt sets numeric field f.
func (r *FlowRecord) SetInt(f FlowField, v int64) { r.Int[f] = v; r.Present |= 1 << f }

// SetStr sets text field f.
func (r *FlowRecord) SetStr(f FlowField, v string) { r.Str[f] = v; r.Present |= 1 << f }

// Reset clears the record for reuse.
func (r *FlowRecord) Reset() { *r = FlowRecord{} }
