package inventory

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2Region(name, status string) ec2types.Region {
	return ec2types.Region{RegionName: aws.String(name), OptInStatus: aws.String(status)}
}
