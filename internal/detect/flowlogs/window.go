package flowlogs

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// track is what one key (an instance and a peer, or an instance and a
// port) accumulated: distinct records per minute (for the detections that
// count connections), distinct items (ports or addresses) with the
// earliest time each was seen, and the earliest records. All of it is
// independent of the order records come in and of their repetition.
type track struct {
	Resource string              `json:"res"`
	Actor    string              `json:"act,omitempty"`
	Minutes  map[int64]*distinct `json:"mins,omitempty"`
	Items    map[string]int64    `json:"items,omitempty"`
	// Open are the earliest accepted records per port (port probes).
	Open    map[string]samples `json:"open,omitempty"`
	Last    int64              `json:"last"`
	Samples samples            `json:"samples"`
}

// maxItems caps the distinct items one key keeps.
const maxItems = 4096

// countIn returns the most connections in any span of window seconds.
func (t *track) countIn(window int64) int {
	mins := make([]int64, 0, len(t.Minutes))
	for m := range t.Minutes {
		mins = append(mins, m)
	}
	slices.Sort(mins)
	best, sum, lo := int64(0), int64(0), 0
	for _, m := range mins {
		sum += t.Minutes[m].count()
		for mins[lo] <= m-window/60 {
			sum -= t.Minutes[mins[lo]].count()
			lo++
		}
		best = max(best, sum)
	}
	return int(best)
}

// distinctIn returns the most distinct items first seen within any span
// of window seconds.
func (t *track) distinctIn(window int64) int {
	ts := make([]int64, 0, len(t.Items))
	for _, v := range t.Items {
		ts = append(ts, v)
	}
	slices.Sort(ts)
	best, lo := 0, 0
	for hi, v := range ts {
		for ts[lo] <= v-window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// windows is the state of a windowed detection: tracks by key.
type windows struct {
	Keys map[string]*track `json:"keys"`
	Max  int64             `json:"max"` // the latest record time seen
}

func newWindows() windows { return windows{Keys: map[string]*track{}} }

// get returns the track of key, creating it (nil when the state is full).
func (w *windows) get(key, resource, actor string) *track {
	t := w.Keys[key]
	if t == nil {
		if len(w.Keys) >= maxKeys {
			return nil
		}
		// Cloned: the scan's strings share page buffers.
		t = &track{Resource: strings.Clone(resource), Actor: strings.Clone(actor)}
		w.Keys[key] = t
	}
	return t
}

// count adds the record (time ts) to the track's records per minute.
func (t *track) count(ts int64, r *vigil.FlowRecord) {
	if t.Minutes == nil {
		t.Minutes = map[int64]*distinct{}
	}
	d := t.Minutes[ts/60]
	if d == nil {
		d = &distinct{}
		t.Minutes[ts/60] = d
	}
	d.add(recordHash(r), 1)
}

// add folds one record (time ts, item, sample) into key's track.
func (w *windows) add(t *track, ts int64, item string, r *vigil.FlowRecord, p vigil.Partition) {
	w.Max = max(w.Max, ts)
	t.Last = max(t.Last, ts)
	if item != "" {
		if t.Items == nil {
			t.Items = map[string]int64{}
		}
		if old, ok := t.Items[item]; ok {
			t.Items[item] = min(old, ts)
		} else if len(t.Items) < maxItems {
			t.Items[strings.Clone(item)] = ts
		}
	}
	t.Samples.addFlow(r, p, maxRefs)
}

// prune drops what lies more than stateHorizon behind the latest record.
func (w *windows) prune() {
	limit := w.Max - int64(stateHorizon.Seconds())
	for k, t := range w.Keys {
		if t.Last < limit {
			delete(w.Keys, k)
			continue
		}
		for m := range t.Minutes {
			if m*60 < limit {
				delete(t.Minutes, m)
			}
		}
	}
}

func (w *windows) marshal() (json.RawMessage, error) { return json.Marshal(w) }

func (w *windows) unmarshal(b json.RawMessage) error {
	*w = newWindows()
	if err := json.Unmarshal(b, w); err != nil {
		return err
	}
	if w.Keys == nil {
		w.Keys = map[string]*track{}
	}
	return nil
}
