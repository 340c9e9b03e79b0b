package detect

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Registry is a validated set of detections.
type Registry struct {
	list []*Detection
	byID map[string]*Detection
}

// NewRegistry checks detections and returns them as a registry. It rejects
// duplicate IDs (aliases included) and types, and incomplete metadata,
// reporting every problem at once.
func NewRegistry(ds ...*Detection) (*Registry, error) {
	r := &Registry{byID: map[string]*Detection{}}
	types := map[string]string{}
	models := map[string]*Detection{}
	var errs []error
	for _, d := range ds {
		if err := d.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, id := range append([]string{d.ID}, d.Aliases...) {
			if prev, ok := r.byID[id]; ok {
				errs = append(errs, fmt.Errorf("detection %s: ID %s already used by %s", d.ID, id, prev.ID))
			}
			r.byID[id] = d
		}
		if prev, ok := types[d.Type]; ok {
			errs = append(errs, fmt.Errorf("detection %s: type %s already produced by %s", d.ID, d.Type, prev))
		}
		types[d.Type] = d.ID
		r.list = append(r.list, d)
	}
	for _, d := range r.list {
		if d.Model == "" {
			continue
		}
		if prev, ok := r.byID[d.Model]; ok {
			errs = append(errs, fmt.Errorf("detection %s: model %s is the ID of %s", d.ID, d.Model, prev.ID))
		}
		if prev, ok := models[d.Model]; ok && prev.Source != d.Source {
			errs = append(errs, fmt.Errorf("detection %s: model %s shared with %s, a %s detection", d.ID, d.Model, prev.ID, prev.Source))
		}
		models[d.Model] = d
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(r.list, func(a, b *Detection) int { return strings.Compare(a.ID, b.ID) })
	return r, nil
}

// All returns the detections sorted by ID.
func (r *Registry) All() []*Detection { return slices.Clone(r.list) }

// Get returns the detection with the given ID or alias.
func (r *Registry) Get(id string) (*Detection, bool) {
	d, ok := r.byID[id]
	return d, ok
}

// ByType returns the detection producing finding type t.
func (r *Registry) ByType(t string) (*Detection, bool) {
	for _, d := range r.list {
		if d.Type == t {
			return d, true
		}
	}
	return nil, false
}
