package collect

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeS3AccountPublicAccessBlock is the account's S3 Block Public Access
// settings, as AWS Config records them: resourceId is the account id and
// configuration is {blockPublicAcls, ignorePublicAcls, blockPublicPolicy,
// restrictPublicBuckets}. An account without the settings
// (NoSuchPublicAccessBlockConfiguration) has all four false, which is what
// "not configured" means to S3. The item's awsRegion is the region the
// setting was read in (the global region), availabilityZone "Not
// Applicable", as in Config.
const TypeS3AccountPublicAccessBlock = "AWS::S3::AccountPublicAccessBlock"

// collectAccountPublicAccessBlock reads the account-level public access
// block (s3control GetPublicAccessBlock); a failure is a gap.
func collectAccountPublicAccessBlock(ctx context.Context, s *inventory.Scope) *inventory.Item {
	c := s3controlClient(s.AWS, s.Endpoint)
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "s3control", Operation: "get-public-access-block", Permission: "s3:GetAccountPublicAccessBlock"},
		func(ctx context.Context) (*s3control.GetPublicAccessBlockOutput, error) {
			return c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(s.Account)})
		})
	conf := map[string]bool{"blockPublicAcls": false, "ignorePublicAcls": false, "blockPublicPolicy": false, "restrictPublicBuckets": false}
	switch {
	case inventory.IsCode(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		if ctx.Err() == nil {
			s.Gap(TypeS3AccountPublicAccessBlock, err)
		}
		return nil
	case out.PublicAccessBlockConfiguration != nil:
		p := out.PublicAccessBlockConfiguration
		conf["blockPublicAcls"] = aws.ToBool(p.BlockPublicAcls)
		conf["ignorePublicAcls"] = aws.ToBool(p.IgnorePublicAcls)
		conf["blockPublicPolicy"] = aws.ToBool(p.BlockPublicPolicy)
		conf["restrictPublicBuckets"] = aws.ToBool(p.RestrictPublicBuckets)
	}
	raw, _ := json.Marshal(conf)
	it := s.NewItem(TypeS3AccountPublicAccessBlock, s.Account, "", "", json.RawMessage(raw))
	it.Region = s.APIRegion
	it.AvailabilityZone = "Not Applicable"
	return it
}

// s3controlClient returns an S3 Control client for cfg; with a custom
// endpoint it calls the endpoint without the account-id host prefix.
func s3controlClient(cfg aws.Config, o awsapi.Options) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(so *s3control.Options) {
		if o.EndpointURL != "" {
			so.EndpointResolverV2 = s3controlFixedHost{so.EndpointResolverV2}
		}
	})
}

// s3controlFixedHost resolves S3 Control endpoints without the account id
// S3 Control's endpoint rules put in front of the host
// (<account>.s3-control.<region>.amazonaws.com). With a custom endpoint
// (a VPC endpoint, LocalStack, moto) that prefix yields a host that does
// not resolve, so the request goes to the endpoint as given; the account
// still travels in the x-amz-account-id header.
type s3controlFixedHost struct {
	next s3control.EndpointResolverV2
}

func (r s3controlFixedHost) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.next.ResolveEndpoint(ctx, p)
	if err == nil && p.AccountId != nil && *p.AccountId != "" {
		ep.URI.Host = strings.TrimPrefix(ep.URI.Host, *p.AccountId+".")
	}
	return ep, err
}
