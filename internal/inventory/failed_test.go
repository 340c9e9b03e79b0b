package inventory

import (
	"slices"
	"testing"
)

func TestFailedCalls(t *testing.T) {
	s := &Snapshot{Items: []*Item{
		{ResourceType: "AWS::S3::Bucket", Errors: []CallError{{Permission: "s3:GetBucketPolicy", Code: "AccessDenied"}}},
		{ResourceType: "AWS::S3::Bucket", Errors: []CallError{{Permission: "s3:GetBucketPolicy", Code: "AccessDenied"}, {Permission: "s3:GetBucketAcl", Code: "InternalError"}}},
		{ResourceType: GapType, Errors: []CallError{{Permission: "iam:ListUsers", Code: "UnauthorizedOperation"}}},
		{ResourceType: "AWS::EC2::VPC"},
	}}
	denied, failed := s.FailedCalls()
	if !slices.Equal(denied, []string{"iam:ListUsers", "s3:GetBucketPolicy"}) || !slices.Equal(failed, []string{"s3:GetBucketAcl (InternalError)"}) {
		t.Errorf("denied %v failed %v", denied, failed)
	}
}
