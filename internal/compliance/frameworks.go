package compliance

import (
	"embed"
	"encoding/json"
	"maps"
	"slices"
)

// frameworkFiles map check id → framework → control ids, one file per
// service family (frameworks/iam.json, …). It is data so that one check
// serves many frameworks and a mapping change needs no code. Framework
// names: "cis-aws-7.0" (CIS AWS Foundations Benchmark v7.0 control ids)
// and "aws-config" (AWS Config managed rule identifiers, lower-case).
//
//go:embed frameworks/*.json
var frameworkFiles embed.FS

var frameworkMap = func() map[string]map[string][]string {
	m := map[string]map[string][]string{}
	entries, err := frameworkFiles.ReadDir("frameworks")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := frameworkFiles.ReadFile("frameworks/" + e.Name())
		if err != nil {
			panic(err)
		}
		var part map[string]map[string][]string
		if err := json.Unmarshal(b, &part); err != nil {
			panic("compliance: frameworks/" + e.Name() + ": " + err.Error())
		}
		for id, fw := range part {
			if _, dup := m[id]; dup {
				panic("compliance: check " + id + " mapped in two framework files")
			}
			m[id] = fw
		}
	}
	return m
}()

func frameworksOf(checkID string) map[string][]string {
	return maps.Clone(frameworkMap[checkID])
}

// Frameworks returns the known framework names, sorted.
func Frameworks() []string {
	set := map[string]bool{}
	for _, fw := range frameworkMap {
		for name := range fw {
			set[name] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
