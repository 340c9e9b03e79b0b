package checks

import (
	"crypto/x509"
	"encoding/pem"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_no_expired_server_certificates_stored",
		Title: "No expired SSL/TLS certificates are stored in IAM",
		Description: "An expired certificate left in IAM can be deployed to a load balancer or CloudFront by mistake and break clients or " +
			"trust. The expiration is the metadata's, else the NotAfter of the certificate body.",
		Service:      "iam",
		Severity:     compliance.High,
		ResourceType: collect.TypeServerCertificate,
		Remediation:  "aws iam delete-server-certificate --server-certificate-name <name> (after checking nothing still uses it)",
		Eval: func(a *compliance.Account) []compliance.Result {
			if g := a.Gap("", collect.TypeServerCertificate); g != nil {
				return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeServerCertificate, g)}
			}
			certs := a.Items(collect.TypeServerCertificate)
			if len(certs) == 0 {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeServerCertificate, compliance.NotApplicable, "no server certificates are stored in IAM")}
			}
			var out []compliance.Result
			for _, c := range certs {
				name := iamName(c, "serverCertificateName")
				exp, ok := certificateExpiration(c.Conf())
				switch {
				case !ok:
					out = append(out, compliance.ErrorFor(c, "certificate %s: no expiration date nor readable certificate body in the configuration item", name))
				case c.CaptureTime.IsZero():
					out = append(out, compliance.ErrorFor(c, "certificate %s: the item has no capture time to compare the expiration with", name))
				case exp.Before(c.CaptureTime):
					out = append(out, compliance.FailFor(c, "certificate %s expired %d days ago (%s)", name, iamDays(exp, c.CaptureTime), iamDate(exp)))
				default:
					out = append(out, compliance.PassFor(c, "certificate %s expires in %d days (%s)", name, iamDays(c.CaptureTime, exp), iamDate(exp)))
				}
			}
			return out
		},
	})
}

// certificateExpiration reads a server certificate's expiration from the
// metadata (expiration, or serverCertificateMetadata.expiration as
// GetServerCertificate nests it), else from the PEM certificateBody.
func certificateExpiration(conf map[string]any) (time.Time, bool) {
	for _, path := range [][]string{{"expiration"}, {"serverCertificateMetadata", "expiration"}} {
		if t, err := inventory.ParseTime(inventory.Str(conf, path...)); err == nil && !t.IsZero() {
			return t, true
		}
	}
	body := inventory.Str(conf, "certificateBody")
	if body == "" {
		body = inventory.Str(conf, "serverCertificate", "certificateBody")
	}
	if b, _ := pem.Decode([]byte(body)); b != nil {
		if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
			return cert.NotAfter.UTC(), true
		}
	}
	return time.Time{}, false
}
