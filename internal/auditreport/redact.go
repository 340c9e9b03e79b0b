package auditreport

import (
	"regexp"
	"strings"
)

// Redacted replaces a secret that Redact removed.
const Redacted = "[REDACTED]"

var (
	// secretAssignment finds a value given to a credential's name, as
	// environment variables, config files and SDK errors spell them.
	secretAssignment = regexp.MustCompile(`(?i)((?:aws_?)?secret_?access_?key|(?:aws_?)?session_?token|x-amz-security-token|x-amz-signature)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)`)
	// accessKeyID is a long-term (AKIA) or temporary (ASIA) access key id.
	accessKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{12}([A-Z0-9]{4})\b`)
)

// Redact masks AWS credentials in s, e.g. in an error message that quotes
// a request: secret access keys (40 base64 characters mixing upper case,
// lower case and digits), session tokens (100 or more base64 characters),
// any value assigned by name to a secret key, a session token or a
// presigned URL's signature, and the middle of access key ids (AKIA… and
// ASIA…), which stay recognisable by their prefix and last four characters. Secrets become "[REDACTED]", so
// the reader sees that something was removed.
func Redact(s string) string {
	if len(s) < 20 {
		return s // shorter than any credential
	}
	// The cheap tests first: reports redact every reason of every result.
	if mentionsSecret(s) {
		s = secretAssignment.ReplaceAllString(s, "${1}${2}"+Redacted)
	}
	s = maskBase64Runs(s)
	if strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA") {
		s = accessKeyID.ReplaceAllString(s, "${1}************${2}")
	}
	return s
}

// maskBase64Runs replaces the runs of base64 characters that look like a
// secret access key or a session token.
func maskBase64Runs(s string) string {
	var (
		b       strings.Builder
		last    int
		changed bool
	)
	for i := 0; i < len(s); {
		if !isBase64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isBase64(s[j]) {
			j++
		}
		if secretLike(s[i:j]) {
			if !changed {
				b.Grow(len(s))
				changed = true
			}
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			last = j
		}
		i = j
	}
	if !changed {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '/' || c == '+' || c == '='
}

// secretLike reports whether a run of base64 characters is a session token
// (100 or more characters) or a secret access key: 40 characters mixing
// upper case, lower case and a digit, '/' or '+', as random base64 nearly
// always does and hex digests and words do not.
func secretLike(run string) bool {
	n := len(strings.TrimRight(run, "="))
	if n >= 100 {
		return true
	}
	if n != 40 {
		return false
	}
	var upper, lower, other bool
	for i := 0; i < n; i++ {
		switch c := run[i]; {
		case 'A' <= c && c <= 'Z':
			upper = true
		case 'a' <= c && c <= 'z':
			lower = true
		default:
			other = true
		}
	}
	return upper && lower && other
}

// mentionsSecret reports whether s may name a credential the way
// secretAssignment matches it, in lower, title or upper case.
func mentionsSecret(s string) bool {
	for _, w := range []string{"ecret", "ECRET", "oken", "OKEN", "ignature", "IGNATURE"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
