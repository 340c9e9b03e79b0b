// Package catalog assembles Vigil's detections from their packages into
// one registry, and renders their documentation (docs/detections.md).
package catalog

//go:generate go test -run ^TestDetectionsDoc$ -update .

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/cloudtrail"
	"github.com/vigil-sec/vigil/internal/detect/flowlogs"
)

// All returns every detection, one service package per line.
func All() []*detect.Detection {
	return slices.Concat(
		cloudtrail.All(),
		flowlogs.All(),
	)
}

// Registry returns the registry of every detection.
func Registry() (*detect.Registry, error) { return detect.NewRegistry(All()...) }
