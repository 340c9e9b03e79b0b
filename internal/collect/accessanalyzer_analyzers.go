package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeAccessAnalyzer is an IAM Access Analyzer analyzer, in the shape of
// AWS::AccessAnalyzer::Analyzer: configuration is the ListAnalyzers entry
// (arn, name, type ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, …,
// status ACTIVE, CREATING, DISABLED or FAILED, createdAt,
// lastResourceAnalyzed, statusReason). A region without an analyzer has
// no item.
const TypeAccessAnalyzer = "AWS::AccessAnalyzer::Analyzer"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "accessanalyzer",
		ResourceTypes: []string{TypeAccessAnalyzer},
		Permissions:   []string{"access-analyzer:ListAnalyzers"},
		Collect:       collectAnalyzers,
	})
}

func collectAnalyzers(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "accessanalyzer", Operation: "list-analyzers", Permission: "access-analyzer:ListAnalyzers"},
		func(ctx context.Context) (*accessanalyzer.ListAnalyzersOutput, error) {
			out := &accessanalyzer.ListAnalyzersOutput{}
			p := accessanalyzer.NewListAnalyzersPaginator(accessanalyzer.NewFromConfig(s.AWS), &accessanalyzer.ListAnalyzersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.Analyzers = append(out.Analyzers, page.Analyzers...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeAccessAnalyzer, err)
		return nil, nil
	}
	var items []*inventory.Item
	for _, a := range out.Analyzers {
		it := s.NewItem(TypeAccessAnalyzer, aws.ToString(a.Arn), aws.ToString(a.Name), aws.ToString(a.Arn), a)
		it.Tags = a.Tags
		items = append(items, it)
	}
	return items, nil
}
