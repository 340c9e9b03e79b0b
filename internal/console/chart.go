package console

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// bands are the severity bands, highest first.
var bands = []string{"Critical", "High", "Medium", "Low"}

// dayCounts is one day's findings by severity band (indexed as bands).
type dayCounts struct {
	Day    string
	Counts [4]int
}

// severityChart draws findings per day as stacked bars in SVG, drawn on
// the server: no script, no charting library. Each band has its colour
// (Okabe–Ito, distinguishable with the common colour blindnesses) and its
// fill pattern, and every bar segment has a title with its numbers.
func severityChart(days []dayCounts) template.HTML {
	const (
		width, height = 760, 220
		left, bottom  = 36, 24
		top           = 8
	)
	maxTotal := 1
	for _, d := range days {
		t := 0
		for _, c := range d.Counts {
			t += c
		}
		maxTotal = max(maxTotal, t)
	}
	plotH := float64(height - bottom - top)
	slot := float64(width-left) / float64(max(1, len(days)))
	barW := max(2, slot*0.7)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">`, width, height)
	b.WriteString(`<title id="chart-title">New findings per day by severity</title>`)
	b.WriteString(`<defs>
<pattern id="pat-critical" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="fill-critical"/><rect width="2" height="6" class="fill-stripe"/></pattern>
<pattern id="pat-high" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="fill-high"/><circle cx="3" cy="3" r="1.2" class="fill-stripe"/></pattern>
<pattern id="pat-medium" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="fill-medium"/><rect y="2" width="6" height="1.5" class="fill-stripe"/></pattern>
<pattern id="pat-low" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="fill-low"/></pattern>
</defs>`)
	// Axis and gridlines at 0, half and the maximum.
	for _, v := range []int{0, maxTotal / 2, maxTotal} {
		y := float64(top) + plotH - plotH*float64(v)/float64(maxTotal)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%d</text>`,
			left, width, y, y, left-4, y+4, v)
	}
	for i, d := range days {
		x := float64(left) + float64(i)*slot + (slot-barW)/2
		y := float64(top) + plotH
		for j := len(bands) - 1; j >= 0; j-- { // low at the bottom
			c := d.Counts[j]
			if c == 0 {
				continue
			}
			h := plotH * float64(c) / float64(maxTotal)
			y -= h
			band := strings.ToLower(bands[j])
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#pat-%s)" class="bar"><title>%s: %d %s</title></rect>`,
				x, y, barW, h, band, html.EscapeString(d.Day), c, bands[j])
		}
		if len(days) <= 14 || i%max(1, len(days)/8) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x+barW/2, height-6, html.EscapeString(shortDay(d.Day)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shortDay turns 2024-05-01 into 05-01.
func shortDay(d string) string {
	if len(d) == 10 {
		return d[5:]
	}
	return d
}
