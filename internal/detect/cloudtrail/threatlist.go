package cloudtrail

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// threatHit returns a hit when the event's source address is on one of
// the customer threat lists and the API is (recon) or is not (!recon) a
// read.
func threatHit(e *vigil.Event, c *detect.Context, recon bool) *detect.Hit {
	if len(c.ThreatLists) == 0 || isRecon(e.EventName) != recon {
		return nil
	}
	a, ok := detect.SourceAddr(e)
	if !ok {
		return nil
	}
	l, entry, ok := c.ThreatMatch(a)
	if !ok {
		return nil
	}
	return &detect.Hit{Actor: a.String(), ThreatList: l.Name, ThreatName: entry.String()}
}

// torHit is threatHit for the Tor exit-node list.
func torHit(e *vigil.Event, c *detect.Context, recon bool) *detect.Hit {
	if c.Tor.Len() == 0 || isRecon(e.EventName) != recon {
		return nil
	}
	a, ok := detect.SourceAddr(e)
	if !ok || !c.Tor.Contains(a) {
		return nil
	}
	return &detect.Hit{Actor: a.String(), ThreatList: c.Tor.Name, ThreatName: a.String()}
}
