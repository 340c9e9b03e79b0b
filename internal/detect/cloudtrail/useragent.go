package cloudtrail

import "strings"

// distro is a penetration-testing distribution as user agents name it.
type distro struct {
	name string // lower case: "kali"
	// rest and restUpper are the name without its first letter, whose
	// case varies ("Kali", "kali"), in lower and upper case: a fast test
	// before the token scan.
	rest, restUpper string
}

func newDistro(name string) distro {
	return distro{name: name, rest: name[1:], restUpper: strings.ToUpper(name[1:])}
}

var (
	kaliDistro   = newDistro("kali")
	parrotDistro = newDistro("parrot")
	pentooDistro = newDistro("pentoo")
)

// in reports whether a user agent names the distribution in one of the
// tokens where AWS SDKs and CLIs put the operating system:
// "Linux/6.5.0-kali3-amd64" (botocore, CLI v1), "os/linux#6.5.0-kali3-amd64"
// (newer SDKs), "md/distrib#kali.2023" and "exe/x86_64.kali.2023" (CLI v2).
// Anywhere else (a user name, a URL) it is not a fingerprint.
func (d distro) in(ua string) bool {
	if !strings.Contains(ua, d.rest) && !strings.Contains(ua, d.restUpper) {
		return false
	}
	for tok := range strings.FieldsSeq(ua) {
		lower := strings.ToLower(tok)
		for _, p := range []string{"linux/", "os/linux#", "md/distrib#", "exe/"} {
			if strings.HasPrefix(lower, p) && strings.Contains(lower[len(p):], d.name) {
				return true
			}
		}
	}
	return false
}
