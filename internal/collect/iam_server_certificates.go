package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeServerCertificate is an SSL/TLS certificate stored in IAM
// (awsRegion "global", resourceId the certificate id). Its configuration
// is ListServerCertificates' metadata: {serverCertificateName,
// serverCertificateId, arn, path, uploadDate, expiration}.
const TypeServerCertificate = "AWS::IAM::ServerCertificate"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-server-certificates",
		Global:        true,
		ResourceTypes: []string{TypeServerCertificate},
		Permissions:   []string{"iam:ListServerCertificates"},
		Collect:       collectServerCertificates,
	})
}

func collectServerCertificates(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := iam.NewFromConfig(s.AWS)
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-server-certificates"},
		func(ctx context.Context) (*iam.ListServerCertificatesOutput, error) {
			all := &iam.ListServerCertificatesOutput{}
			p := iam.NewListServerCertificatesPaginator(c, &iam.ListServerCertificatesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				all.ServerCertificateMetadataList = append(all.ServerCertificateMetadataList, page.ServerCertificateMetadataList...)
			}
			return all, nil
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeServerCertificate, err)
		return nil, nil
	}
	var items []*inventory.Item
	for _, m := range out.ServerCertificateMetadataList {
		it := s.NewItem(TypeServerCertificate, aws.ToString(m.ServerCertificateId), aws.ToString(m.ServerCertificateName), aws.ToString(m.Arn), m)
		if m.UploadDate != nil {
			t := m.UploadDate.UTC()
			it.ResourceCreationTime = &t
		}
		items = append(items, it)
	}
	return items, nil
}
