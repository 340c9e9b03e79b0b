package lake

import "github.com/vigil-sec/vigil/internal/vigil"

// TableFlowLogs is the VPC Flow Logs table.
const TableFlowLogs = "flowlogs"

// flowRow is one row of the flowlogs table: AWS's documented Athena
// flow-log columns (v2–v5, plus the v7 ECS fields and v8 reject_reason,
// and the Transit Gateway Flow Logs fields, NULL in VPC records),
// hyphens as underscores, numeric types as in the documented DDL. '-'
// fields are NULL. The record's own region field (v4) is not a column: its
// name is the region partition's, and it holds the same value.
type flowRow struct {
	Version                 *int32  `parquet:"version,optional"`
	AccountID               *string `parquet:"account_id,optional,dict"`
	InterfaceID             *string `parquet:"interface_id,optional,dict"`
	SrcAddr                 *string `parquet:"srcaddr,optional,dict"`
	DstAddr                 *string `parquet:"dstaddr,optional,dict"`
	SrcPort                 *int32  `parquet:"srcport,optional"`
	DstPort                 *int32  `parquet:"dstport,optional"`
	Protocol                *int64  `parquet:"protocol,optional"`
	Packets                 *int64  `parquet:"packets,optional"`
	Bytes                   *int64  `parquet:"bytes,optional"`
	Start                   *int64  `parquet:"start,optional"`
	End                     *int64  `parquet:"end,optional"`
	Action                  *string `parquet:"action,optional,dict"`
	LogStatus               *string `parquet:"log_status,optional,dict"`
	VPCID                   *string `parquet:"vpc_id,optional,dict"`
	SubnetID                *string `parquet:"subnet_id,optional,dict"`
	InstanceID              *string `parquet:"instance_id,optional,dict"`
	TCPFlags                *int32  `parquet:"tcp_flags,optional"`
	Type                    *string `parquet:"type,optional,dict"`
	PktSrcAddr              *string `parquet:"pkt_srcaddr,optional,dict"`
	PktDstAddr              *string `parquet:"pkt_dstaddr,optional,dict"`
	AZID                    *string `parquet:"az_id,optional,dict"`
	SublocationType         *string `parquet:"sublocation_type,optional,dict"`
	SublocationID           *string `parquet:"sublocation_id,optional,dict"`
	PktSrcAWSService        *string `parquet:"pkt_src_aws_service,optional,dict"`
	PktDstAWSService        *string `parquet:"pkt_dst_aws_service,optional,dict"`
	FlowDirection           *string `parquet:"flow_direction,optional,dict"`
	TrafficPath             *int32  `parquet:"traffic_path,optional"`
	ECSClusterARN           *string `parquet:"ecs_cluster_arn,optional,dict"`
	ECSClusterName          *string `parquet:"ecs_cluster_name,optional,dict"`
	ECSContainerInstanceARN *string `parquet:"ecs_container_instance_arn,optional,dict"`
	ECSContainerInstanceID  *string `parquet:"ecs_container_instance_id,optional,dict"`
	ECSContainerID          *string `parquet:"ecs_container_id,optional,dict"`
	ECSSecondContainerID    *string `parquet:"ecs_second_container_id,optional,dict"`
	ECSServiceName          *string `parquet:"ecs_service_name,optional,dict"`
	ECSTaskDefinitionARN    *string `parquet:"ecs_task_definition_arn,optional,dict"`
	ECSTaskARN              *string `parquet:"ecs_task_arn,optional,dict"`
	ECSTaskID               *string `parquet:"ecs_task_id,optional,dict"`
	RejectReason            *string `parquet:"reject_reason,optional,dict"`
	// Transit Gateway Flow Logs fields.
	ResourceType           *string `parquet:"resource_type,optional,dict"`
	TGWID                  *string `parquet:"tgw_id,optional,dict"`
	TGWAttachmentID        *string `parquet:"tgw_attachment_id,optional,dict"`
	TGWSrcVPCAccountID     *string `parquet:"tgw_src_vpc_account_id,optional,dict"`
	TGWDstVPCAccountID     *string `parquet:"tgw_dst_vpc_account_id,optional,dict"`
	TGWSrcVPCID            *string `parquet:"tgw_src_vpc_id,optional,dict"`
	TGWDstVPCID            *string `parquet:"tgw_dst_vpc_id,optional,dict"`
	TGWSrcSubnetID         *string `parquet:"tgw_src_subnet_id,optional,dict"`
	TGWDstSubnetID         *string `parquet:"tgw_dst_subnet_id,optional,dict"`
	TGWSrcENI              *string `parquet:"tgw_src_eni,optional,dict"`
	TGWDstENI              *string `parquet:"tgw_dst_eni,optional,dict"`
	TGWSrcAZID             *string `parquet:"tgw_src_az_id,optional,dict"`
	TGWDstAZID             *string `parquet:"tgw_dst_az_id,optional,dict"`
	TGWPairAttachmentID    *string `parquet:"tgw_pair_attachment_id,optional,dict"`
	PacketsLostNoRoute     *int64  `parquet:"packets_lost_no_route,optional"`
	PacketsLostBlackhole   *int64  `parquet:"packets_lost_blackhole,optional"`
	PacketsLostMTUExceeded *int64  `parquet:"packets_lost_mtu_exceeded,optional"`
	PacketsLostTTLExpired  *int64  `parquet:"packets_lost_ttl_expired,optional"`
	Source                 *string `parquet:"vigil_source,optional,dict"`
}

// flowArena hands out a batch's pointers from slabs (see rowArena).
type flowArena struct {
	strs []string
	i64  []int64
	i32  []int32
}

func (a *flowArena) reset() {
	clear(a.strs)
	a.strs, a.i64, a.i32 = a.strs[:0], a.i64[:0], a.i32[:0]
}

func (a *flowArena) row(r *vigil.FlowRecord, source *string) flowRow {
	s := func(f vigil.FlowField) *string {
		if !r.Has(f) || r.Str[f] == "" {
			return nil
		}
		p := alloc(&a.strs)
		*p = r.Str[f]
		return p
	}
	i64 := func(f vigil.FlowField) *int64 {
		if !r.Has(f) {
			return nil
		}
		p := alloc(&a.i64)
		*p = r.Int[f]
		return p
	}
	i32 := func(f vigil.FlowField) *int32 {
		if !r.Has(f) {
			return nil
		}
		p := alloc(&a.i32)
		*p = int32(r.Int[f])
		return p
	}
	return flowRow{
		Version: i32(vigil.FlowVersion), AccountID: s(vigil.FlowAccountID), InterfaceID: s(vigil.FlowInterfaceID),
		SrcAddr: s(vigil.FlowSrcAddr), DstAddr: s(vigil.FlowDstAddr), SrcPort: i32(vigil.FlowSrcPort),
		DstPort: i32(vigil.FlowDstPort), Protocol: i64(vigil.FlowProtocol), Packets: i64(vigil.FlowPackets),
		Bytes: i64(vigil.FlowBytes), Start: i64(vigil.FlowStart), End: i64(vigil.FlowEnd),
		Action: s(vigil.FlowAction), LogStatus: s(vigil.FlowLogStatus), VPCID: s(vigil.FlowVPCID),
		SubnetID: s(vigil.FlowSubnetID), InstanceID: s(vigil.FlowInstanceID), TCPFlags: i32(vigil.FlowTCPFlags),
		Type: s(vigil.FlowType), PktSrcAddr: s(vigil.FlowPktSrcAddr), PktDstAddr: s(vigil.FlowPktDstAddr),
		AZID: s(vigil.FlowAZID), SublocationType: s(vigil.FlowSublocationType), SublocationID: s(vigil.FlowSublocationID),
		PktSrcAWSService: s(vigil.FlowPktSrcAWSService), PktDstAWSService: s(vigil.FlowPktDstAWSService),
		FlowDirection: s(vigil.FlowFlowDirection), TrafficPath: i32(vigil.FlowTrafficPath),
		ECSClusterARN: s(vigil.FlowECSClusterARN), ECSClusterName: s(vigil.FlowECSClusterName),
		ECSContainerInstanceARN: s(vigil.FlowECSContainerInstanceARN), ECSContainerInstanceID: s(vigil.FlowECSContainerInstanceID),
		ECSContainerID: s(vigil.FlowECSContainerID), ECSSecondContainerID: s(vigil.FlowECSSecondContainerID),
		ECSServiceName: s(vigil.FlowECSServiceName), ECSTaskDefinitionARN: s(vigil.FlowECSTaskDefinitionARN),
		ECSTaskARN: s(vigil.FlowECSTaskARN), ECSTaskID: s(vigil.FlowECSTaskID), RejectReason: s(vigil.FlowRejectReason),
		ResourceType: s(vigil.FlowResourceType), TGWID: s(vigil.FlowTGWID), TGWAttachmentID: s(vigil.FlowTGWAttachmentID),
		TGWSrcVPCAccountID: s(vigil.FlowTGWSrcVPCAccountID), TGWDstVPCAccountID: s(vigil.FlowTGWDstVPCAccountID),
		TGWSrcVPCID: s(vigil.FlowTGWSrcVPCID), TGWDstVPCID: s(vigil.FlowTGWDstVPCID),
		TGWSrcSubnetID: s(vigil.FlowTGWSrcSubnetID), TGWDstSubnetID: s(vigil.FlowTGWDstSubnetID),
		TGWSrcENI: s(vigil.FlowTGWSrcENI), TGWDstENI: s(vigil.FlowTGWDstENI),
		TGWSrcAZID: s(vigil.FlowTGWSrcAZID), TGWDstAZID: s(vigil.FlowTGWDstAZID),
		TGWPairAttachmentID: s(vigil.FlowTGWPairAttachmentID),
		PacketsLostNoRoute:  i64(vigil.FlowPacketsLostNoRoute), PacketsLostBlackhole: i64(vigil.FlowPacketsLostBlackhole),
		PacketsLostMTUExceeded: i64(vigil.FlowPacketsLostMTUExceeded), PacketsLostTTLExpired: i64(vigil.FlowPacketsLostTTLExpired),
		Source: source,
	}
}

// FlowWriter writes flow-log records into a transaction's flowlogs table.
type FlowWriter struct {
	*fileWriter[flowRow]
	rows  []flowRow
	arena flowArena
}

// NewFlowWriter returns a writer adding files to tx.
func NewFlowWriter(tx *Tx, opt WriterOptions) *FlowWriter {
	return &FlowWriter{fileWriter: newFileWriter[flowRow](tx, TableFlowLogs, opt)}
}

// Write appends records to partition p; source names the input.
func (w *FlowWriter) Write(p vigil.Partition, source string, recs []vigil.FlowRecord) error {
	src := &source
	return writeBatches(w.fileWriter, p, recs, 4096, &w.rows,
		func(r *vigil.FlowRecord) flowRow { return w.arena.row(r, src) }, w.arena.reset)
}
