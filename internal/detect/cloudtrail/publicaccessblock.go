package cloudtrail

import "strings"

// blockPublicAccessOff lists the Block Public Access settings a
// PublicAccessBlockConfiguration leaves off (a setting left out is off).
func blockPublicAccessOff(p map[string]any) []string {
	conf := get(p, "PublicAccessBlockConfiguration")
	var off []string
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if v, _ := flag(get(conf, k)); !v {
			off = append(off, k)
		}
	}
	return off
}

func joinSettings(s []string) string { return strings.Join(s, ", ") }
