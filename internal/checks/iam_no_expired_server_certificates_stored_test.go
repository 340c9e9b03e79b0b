package checks

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// pemExpiringAt is a self-signed certificate valid until notAfter.
func pemExpiringAt(t *testing.T, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "legacy.example.com"}, NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestNoExpiredServerCertificatesStored(t *testing.T) {
	const typ = collect.TypeServerCertificate
	cert := func(name, expiration string) *inventory.Item {
		return iamAt(typ, "ASCA"+name, "arn:aws:iam::"+testAccount+":server-certificate/"+name,
			`{"serverCertificateName":"`+name+`","expiration":"`+expiration+`","uploadDate":"2020-01-01T00:00:00Z"}`, nil)
	}
	body, _ := json.Marshal(pemExpiringAt(t, iamNow.AddDate(0, 0, -10)))
	// CloudFormation-style configuration: the certificate body, no metadata.
	cfnShape := iamAt(typ, "ASCALEGACY", "", `{"serverCertificateName":"legacy","path":"/","certificateBody":`+string(body)+`}`, nil)
	runCases(t, "iam_no_expired_server_certificates_stored", []checkCase{
		{"metadata", []*inventory.Item{cert("current", iamNow.AddDate(0, 0, 30).Format(time.RFC3339)), cert("old", "2012-05-08T01:02:03.004Z")}, []want{
			{compliance.Pass, "ASCAcurrent", "certificate current expires in 30 days"},
			{compliance.Fail, "ASCAold", "certificate old expired 5290 days ago (2012-05-08)"},
		}},
		{"certificate body only", []*inventory.Item{cfnShape}, []want{{compliance.Fail, "ASCALEGACY", "legacy expired 10 days ago"}}},
		{"unreadable", []*inventory.Item{iamAt(typ, "ASCAX", "", `{"serverCertificateName":"x","certificateBody":"not a PEM"}`, nil)},
			[]want{{compliance.Error, "ASCAX", "no expiration date nor readable certificate body"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:ListServerCertificates", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:ListServerCertificates"}}},
		{"none", nil, []want{{compliance.NotApplicable, "", "no server certificates"}}},
	})
}
