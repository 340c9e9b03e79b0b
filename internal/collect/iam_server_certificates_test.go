package collect_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// selfSigned returns a PEM certificate and key for name, valid until
// notAfter.
func selfSigned(t *testing.T, name string, notAfter time.Time) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter, DNSNames: []string{name}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}

func TestServerCertificates(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	cert, key := selfSigned(t, "old.example.com", time.Date(2012, 5, 8, 0, 0, 0, 0, time.UTC))
	_, err := iam.NewFromConfig(env.Config).UploadServerCertificate(t.Context(), &iam.UploadServerCertificateInput{
		ServerCertificateName: aws.String("old-site"), CertificateBody: aws.String(cert), PrivateKey: aws.String(key),
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := env.Collect(t, []string{"us-east-1"}, "iam-server-certificates")
	iamAssertDeclared(t, snap, "iam-server-certificates")
	it := iamItem(t, snap, collect.TypeServerCertificate, "old-site")
	// moto answers a fixed expiration (2012-05-08T01:02:03.004Z) for all.
	exp, err := inventory.ParseTime(inventory.Str(it.Conf(), "expiration"))
	if err != nil || exp.Year() != 2012 {
		t.Errorf("expiration %v (%v) in %s", exp, err, it.Configuration)
	}
	if it.ARN != "arn:aws:iam::123456789012:server-certificate/old-site" || it.ResourceID == "" || it.Region != inventory.GlobalRegion {
		t.Errorf("item %+v", it)
	}

	env.Proxy.Fail("ListServerCertificates", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam-server-certificates")
	if g := iamGapFor(snap, collect.TypeServerCertificate); g == nil || g.Errors[0].Permission != "iam:ListServerCertificates" {
		t.Errorf("gap %+v", g)
	}
}
