// Package report renders results for people and machines: aligned tables,
// CSV, JSON and JSON lines.
package report
