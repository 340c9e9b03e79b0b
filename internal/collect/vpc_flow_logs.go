package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "vpc-flow-logs",
		ResourceTypes: []string{TypeEC2FlowLog},
		Permissions:   []string{"ec2:DescribeFlowLogs"},
		Collect:       collectFlowLogs,
	})
}

// collectFlowLogs lists the region's flow logs. As in Config, the item's
// resourceId is the flow log id and configuration.resourceId the VPC,
// subnet or network interface it logs.
func collectFlowLogs(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-flow-logs"}, TypeEC2FlowLog,
		ec2.NewDescribeFlowLogsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeFlowLogsInput{}),
		func(all, o *ec2.DescribeFlowLogsOutput) { all.FlowLogs = append(all.FlowLogs, o.FlowLogs...) })
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, f := range out.FlowLogs {
		id := aws.ToString(f.FlowLogId)
		it := s.NewItem(TypeEC2FlowLog, id, "", ec2ARN(s, "vpc-flow-log", id), f)
		it.Tags = ec2Tags(f.Tags)
		it.ResourceCreationTime = f.CreationTime
		items = append(items, it)
	}
	return items, nil
}
