package flowlogs

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// rec is an owned copy of what a finding shows of a flow-log record, with
// its partition; JSON so that it survives in detection state.
type rec struct {
	Account   string `json:"a,omitempty"`
	Region    string `json:"r,omitempty"`
	Date      string `json:"d,omitempty"`
	RAccount  string `json:"ra,omitempty"`
	Interface string `json:"i,omitempty"`
	Instance  string `json:"in,omitempty"`
	VPC       string `json:"v,omitempty"`
	Subnet    string `json:"s,omitempty"`
	Src       string `json:"sa"`
	Dst       string `json:"da"`
	SPort     int64  `json:"sp"`
	DPort     int64  `json:"dp"`
	Proto     int64  `json:"p"`
	Start     int64  `json:"t"`
	End       int64  `json:"e"`
	Bytes     int64  `json:"b"`
	Action    string `json:"ac,omitempty"`
	Direction string `json:"fd,omitempty"`
}

func recOf(r *vigil.FlowRecord, p vigil.Partition) rec {
	s := func(f vigil.FlowField) string { return strings.Clone(r.Str[f]) }
	return rec{
		Account: strings.Clone(p.Account), Region: strings.Clone(p.Region), Date: strings.Clone(p.Date),
		RAccount: s(vigil.FlowAccountID), Interface: s(vigil.FlowInterfaceID), Instance: s(vigil.FlowInstanceID),
		VPC: s(vigil.FlowVPCID), Subnet: s(vigil.FlowSubnetID), Src: s(vigil.FlowSrcAddr), Dst: s(vigil.FlowDstAddr),
		SPort: r.Int[vigil.FlowSrcPort], DPort: r.Int[vigil.FlowDstPort], Proto: r.Int[vigil.FlowProtocol],
		Start: r.Int[vigil.FlowStart], End: r.Int[vigil.FlowEnd], Bytes: r.Int[vigil.FlowBytes],
		Action: s(vigil.FlowAction), Direction: s(vigil.FlowFlowDirection),
	}
}

// flow rebuilds the record (only the fields kept).
func (s *rec) flow() *vigil.FlowRecord {
	r := &vigil.FlowRecord{}
	set := func(f vigil.FlowField, v string) {
		if v != "" {
			r.SetStr(f, v)
		}
	}
	set(vigil.FlowAccountID, s.RAccount)
	set(vigil.FlowInterfaceID, s.Interface)
	set(vigil.FlowInstanceID, s.Instance)
	set(vigil.FlowVPCID, s.VPC)
	set(vigil.FlowSubnetID, s.Subnet)
	set(vigil.FlowSrcAddr, s.Src)
	set(vigil.FlowDstAddr, s.Dst)
	set(vigil.FlowAction, s.Action)
	set(vigil.FlowFlowDirection, s.Direction)
	r.SetInt(vigil.FlowSrcPort, s.SPort)
	r.SetInt(vigil.FlowDstPort, s.DPort)
	r.SetInt(vigil.FlowProtocol, s.Proto)
	r.SetInt(vigil.FlowStart, s.Start)
	r.SetInt(vigil.FlowEnd, s.End)
	r.SetInt(vigil.FlowBytes, s.Bytes)
	return r
}

func (s *rec) partition() vigil.Partition {
	return vigil.Partition{Account: s.Account, Region: s.Region, Date: s.Date}
}

func (s *rec) ref() detect.Ref {
	return detect.Ref{ID: detect.FlowKey(s.flow()), Time: vigil.FindingTime(time.Unix(s.Start, 0)), Date: s.Date}
}

// before orders records by start, then key: the order samples keep.
func (s *rec) before(o *rec) bool {
	if s.Start != o.Start {
		return s.Start < o.Start
	}
	return cmp.Or(cmp.Compare(s.Src, o.Src), cmp.Compare(s.SPort, o.SPort), cmp.Compare(s.Dst, o.Dst),
		cmp.Compare(s.DPort, o.DPort), cmp.Compare(s.Interface, o.Interface)) < 0
}

// maxRefs is how many records a key keeps as evidence: the earliest.
const maxRefs = 64

// samples keeps the earliest maxRefs records of a key, whatever order
// they come in.
type samples []rec

// addN adds r, keeping the earliest n.
func (ss *samples) addN(r rec, n int) {
	s := *ss
	if len(s) >= n && !r.before(&s[len(s)-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(s, r, func(a, b rec) int {
		switch {
		case a.before(&b):
			return -1
		case b.before(&a):
			return 1
		}
		return 0
	})
	if i < len(s) && !s[i].before(&r) && !r.before(&s[i]) {
		return // the same record again
	}
	s = slices.Insert(s, i, r)
	if len(s) > n {
		s = s[:n]
	}
	*ss = s
}

// addFlow is addN for a record, copied only when it may be kept.
func (ss *samples) addFlow(r *vigil.FlowRecord, p vigil.Partition, n int) {
	if s := *ss; len(s) >= n && r.Int[vigil.FlowStart] > s[len(s)-1].Start {
		return
	}
	ss.addN(recOf(r, p), n)
}

// hit returns a hit on the earliest record, standing for all of them.
func (ss samples) hit(resource, actor string) detect.Hit {
	h := detect.Hit{Resource: resource, Actor: actor, Flow: ss[0].flow(), Partition: ss[0].partition()}
	for i := 1; i < len(ss); i++ {
		h.Refs = append(h.Refs, ss[i].ref())
	}
	return h
}
