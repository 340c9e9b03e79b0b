package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// ScanFlowLogs reads the records of the lake's flowlogs partitions whose
// date lies in [since, until] (YYYY-MM-DD, inclusive; "" leaves that end
// open) and calls fn for each, serially, in partition order (date, account,
// region, file) and file order within a file. fn must not retain r after
// it returns (the record is reused); its strings are its own. An error
// from fn, or a damaged file, stops the scan and is returned.
func ScanFlowLogs(ctx context.Context, dir, since, until string, fn func(r *vigil.FlowRecord, p vigil.Partition) error) error {
	files, err := partitionFiles(filepath.Join(dir, TableFlowLogs), since, until)
	if err != nil {
		return err
	}
	rows := make([]flowRow, scanBatch)
	var rec vigil.FlowRecord
	for _, f := range files {
		if err := scanFlowFile(ctx, f, rows, &rec, fn); err != nil {
			return err
		}
	}
	return nil
}

func scanFlowFile(ctx context.Context, pf partitionFile, rows []flowRow, rec *vigil.FlowRecord, fn func(*vigil.FlowRecord, vigil.Partition) error) (err error) {
	f, groups, err := openParquet(pf.path)
	if err != nil {
		return err
	}
	defer f.Close()
	defer func() {
		if r := recover(); r != nil { // parquet-go panics on some damaged files
			err = fmt.Errorf("read %s: %w: %v", pf.path, vigil.ErrMalformedInput, r)
		}
	}()
	for _, rg := range groups {
		r := parquet.NewGenericRowGroupReader[flowRow](rg)
		for {
			if err := ctx.Err(); err != nil {
				r.Close()
				return err
			}
			n, rerr := r.Read(rows)
			for i := range rows[:n] {
				rows[i].toFlow(rec, pf.p.Region)
				if err := fn(rec, pf.p); err != nil {
					r.Close()
					return err
				}
			}
			clear(rows[:n])
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				r.Close()
				return fmt.Errorf("read %s: %w", pf.path, rerr)
			}
		}
		r.Close()
	}
	return nil
}

// toFlow is the inverse of flowArena.row. The region field, not a column,
// is the partition's when the record's version has it (v4 and later).
func (w *flowRow) toFlow(r *vigil.FlowRecord, region string) {
	r.Reset()
	s := func(f vigil.FlowField, p *string) {
		if p != nil {
			r.SetStr(f, *p)
		}
	}
	i64 := func(f vigil.FlowField, p *int64) {
		if p != nil {
			r.SetInt(f, *p)
		}
	}
	i32 := func(f vigil.FlowField, p *int32) {
		if p != nil {
			r.SetInt(f, int64(*p))
		}
	}
	i32(vigil.FlowVersion, w.Version)
	s(vigil.FlowAccountID, w.AccountID)
	s(vigil.FlowInterfaceID, w.InterfaceID)
	s(vigil.FlowSrcAddr, w.SrcAddr)
	s(vigil.FlowDstAddr, w.DstAddr)
	i32(vigil.FlowSrcPort, w.SrcPort)
	i32(vigil.FlowDstPort, w.DstPort)
	i64(vigil.FlowProtocol, w.Protocol)
	i64(vigil.FlowPackets, w.Packets)
	i64(vigil.FlowBytes, w.Bytes)
	i64(vigil.FlowStart, w.Start)
	i64(vigil.FlowEnd, w.End)
	s(vigil.FlowAction, w.Action)
	s(vigil.FlowLogStatus, w.LogStatus)
	s(vigil.FlowVPCID, w.VPCID)
	s(vigil.FlowSubnetID, w.SubnetID)
	s(vigil.FlowInstanceID, w.InstanceID)
	i32(vigil.FlowTCPFlags, w.TCPFlags)
	s(vigil.FlowType, w.Type)
	s(vigil.FlowPktSrcAddr, w.PktSrcAddr)
	s(vigil.FlowPktDstAddr, w.PktDstAddr)
	if w.Version != nil && *w.Version >= 4 && region != "" {
		r.SetStr(vigil.FlowRegion, region)
	}
	s(vigil.FlowAZID, w.AZID)
	s(vigil.FlowSublocationType, w.SublocationType)
	s(vigil.FlowSublocationID, w.SublocationID)
	s(vigil.FlowPktSrcAWSService, w.PktSrcAWSService)
	s(vigil.FlowPktDstAWSService, w.PktDstAWSService)
	s(vigil.FlowFlowDirection, w.FlowDirection)
	i32(vigil.FlowTrafficPath, w.TrafficPath)
	s(vigil.FlowECSClusterARN, w.ECSClusterARN)
	s(vigil.FlowECSClusterName, w.ECSClusterName)
	s(vigil.FlowECSContainerInstanceARN, w.ECSContainerInstanceARN)
	s(vigil.FlowECSContainerInstanceID, w.ECSContainerInstanceID)
	s(vigil.FlowECSContainerID, w.ECSContainerID)
	s(vigil.FlowECSSecondContainerID, w.ECSSecondContainerID)
	s(vigil.FlowECSServiceName, w.ECSServiceName)
	s(vigil.FlowECSTaskDefinitionARN, w.ECSTaskDefinitionARN)
	s(vigil.FlowECSTaskARN, w.ECSTaskARN)
	s(vigil.FlowECSTaskID, w.ECSTaskID)
	s(vigil.FlowRejectReason, w.RejectReason)
	s(vigil.FlowResourceType, w.ResourceType)
	s(vigil.FlowTGWID, w.TGWID)
	s(vigil.FlowTGWAttachmentID, w.TGWAttachmentID)
	s(vigil.FlowTGWSrcVPCAccountID, w.TGWSrcVPCAccountID)
	s(vigil.FlowTGWDstVPCAccountID, w.TGWDstVPCAccountID)
	s(vigil.FlowTGWSrcVPCID, w.TGWSrcVPCID)
	s(vigil.FlowTGWDstVPCID, w.TGWDstVPCID)
	s(vigil.FlowTGWSrcSubnetID, w.TGWSrcSubnetID)
	s(vigil.FlowTGWDstSubnetID, w.TGWDstSubnetID)
	s(vigil.FlowTGWSrcENI, w.TGWSrcENI)
	s(vigil.FlowTGWDstENI, w.TGWDstENI)
	s(vigil.FlowTGWSrcAZID, w.TGWSrcAZID)
	s(vigil.FlowTGWDstAZID, w.TGWDstAZID)
	s(vigil.FlowTGWPairAttachmentID, w.TGWPairAttachmentID)
	i64(vigil.FlowPacketsLostNoRoute, w.PacketsLostNoRoute)
	i64(vigil.FlowPacketsLostBlackhole, w.PacketsLostBlackhole)
	i64(vigil.FlowPacketsLostMTUExceeded, w.PacketsLostMTUExceeded)
	i64(vigil.FlowPacketsLostTTLExpired, w.PacketsLostTTLExpired)
}
