#!/usr/bin/env bash
# Record one AWS account's configuration with the AWS CLI (v1 or v2) in the
# layout `vigil inventory --from-dir DIR` reads (CloudMapper's collect layout):
#
#   DIR/describe-regions.json
#   DIR/<region>/<service>-<operation>.json                       list and describe calls
#   DIR/<region>/<service>-<operation>/<url-encoded resource id>   per-resource calls
#
# Each file holds what the AWS CLI prints with --output json; a failed call
# leaves the CLI's error line ("An error occurred (AccessDenied) when calling
# …"), which Vigil reads as the API's answer. Needs bash, jq and the AWS CLI,
# with credentials for a read-only auditor (the SecurityAudit managed policy
# covers every call; `vigil baseline policy` prints the exact list).
#
#   scripts/record-with-aws-cli.sh DIR [region ...]     default: every enabled region
#   ENDPOINT=http://127.0.0.1:5000 scripts/record-with-aws-cli.sh DIR   (LocalStack, moto)
#   GLOBAL_REGION=us-east-1                              where global services are recorded
set -uo pipefail
dir=${1:?usage: record-with-aws-cli.sh DIR [region ...]}
shift
global=${GLOBAL_REGION:-us-east-1}
awscli=(aws --output json)
[ -n "${ENDPOINT:-}" ] && awscli+=(--endpoint-url "$ENDPOINT")
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }
export AWS_PAGER=""

enc() { jq -rn --arg s "$1" '$s|@uri'; }

# rec FILE REGION SERVICE OPERATION [ARGS...]: one call into FILE.
rec() {
  local file=$1 region=$2; shift 2
  mkdir -p "$(dirname "$dir/$file")"
  local out
  if out=$("${awscli[@]}" --region "$region" "$@" 2>&1); then
    printf '%s\n' "${out:-{\}}" > "$dir/$file"
  elif ! printf '%s\n' "$out" | grep -m1 'An error occurred' > "$dir/$file"; then
    # Not an AWS error (no endpoint, a network failure): record it as one.
    jq -n --arg m "$(printf '%s' "$out" | grep -v '^\s*$' | tail -n1)" '{Error: {Code: "Error", Message: $m}}' > "$dir/$file"
  fi
}
# list FILE: the JSON of a recorded call, or nothing when it failed.
list() { jq -e . "$dir/$1" 2>/dev/null || echo '{}'; }

rec describe-regions.json "$global" ec2 describe-regions --all-regions
if [ $# -gt 0 ]; then regions=("$@"); else
  mapfile -t regions < <(list describe-regions.json | jq -r '.Regions[] | select(.OptInStatus != "not-opted-in") | .RegionName')
fi
g=$global
rec "$g/sts-get-caller-identity.json" "$g" sts get-caller-identity
account=$(list "$g/sts-get-caller-identity.json" | jq -r '.Account // empty')

# IAM and other global services, once.
rec "$g/iam-get-account-authorization-details.json" "$g" iam get-account-authorization-details
rec "$g/iam-get-account-password-policy.json" "$g" iam get-account-password-policy
rec "$g/iam-get-account-summary.json" "$g" iam get-account-summary
rec "$g/iam-list-virtual-mfa-devices.json" "$g" iam list-virtual-mfa-devices
for _ in 1 2 3 4 5 6 7 8 9 10; do
  rec "$g/iam-generate-credential-report.json" "$g" iam generate-credential-report
  [ "$(list "$g/iam-generate-credential-report.json" | jq -r '.State // empty')" = COMPLETE ] && break
  sleep 2
done
rec "$g/iam-get-credential-report.json" "$g" iam get-credential-report
rec "$g/iam-list-server-certificates.json" "$g" iam list-server-certificates
rec "$g/iam-list-saml-providers.json" "$g" iam list-saml-providers
rec "$g/iam-list-open-id-connect-providers.json" "$g" iam list-open-id-connect-providers
for arn in $(list "$g/iam-list-open-id-connect-providers.json" | jq -r '.OpenIDConnectProviderList[]?.Arn'); do
  rec "$g/iam-get-open-id-connect-provider/$(enc "$arn")" "$g" iam get-open-id-connect-provider --open-id-connect-provider-arn "$arn"
done
rec "$g/iam-list-organizations-features.json" "$g" iam list-organizations-features
for user in $(list "$g/iam-get-account-authorization-details.json" | jq -r '.UserDetailList[]?.UserName'); do
  u=$(enc "$user")
  rec "$g/iam-list-access-keys/$u" "$g" iam list-access-keys --user-name "$user"
  for key in $(list "$g/iam-list-access-keys/$u" | jq -r '.AccessKeyMetadata[]?.AccessKeyId'); do
    rec "$g/iam-get-access-key-last-used/$(enc "$key")" "$g" iam get-access-key-last-used --access-key-id "$key"
  done
  rec "$g/iam-list-mfa-devices/$u" "$g" iam list-mfa-devices --user-name "$user"
  rec "$g/iam-get-login-profile/$u" "$g" iam get-login-profile --user-name "$user"
done
rec "$g/account-get-contact-information.json" "$g" account get-contact-information
for t in BILLING OPERATIONS SECURITY; do
  rec "$g/account-get-alternate-contact/$t" "$g" account get-alternate-contact --alternate-contact-type "$t"
done
rec "$g/s3-list-buckets.json" "$g" s3api list-buckets
[ -n "$account" ] && rec "$g/s3control-get-public-access-block.json" "$g" s3control get-public-access-block --account-id "$account"
for bucket in $(list "$g/s3-list-buckets.json" | jq -r '.Buckets[]?.Name'); do
  b=$(enc "$bucket")
  for op in get-bucket-location get-bucket-policy get-bucket-policy-status get-bucket-acl get-public-access-block \
            get-bucket-encryption get-bucket-versioning get-bucket-logging get-bucket-tagging get-object-lock-configuration \
            get-bucket-accelerate-configuration get-bucket-request-payment; do
    rec "$g/s3-$op/$b" "$g" s3api "$op" --bucket "$bucket"
  done
done

# Regional services, in every region.
for r in "${regions[@]}"; do
  for op in describe-instances describe-security-groups describe-network-acls describe-vpcs describe-flow-logs \
            describe-route-tables describe-vpc-peering-connections get-ebs-encryption-by-default describe-volumes; do
    rec "$r/ec2-$op.json" "$r" ec2 "$op"
  done
  rec "$r/ec2-describe-snapshots.json" "$r" ec2 describe-snapshots --owner-ids self
  for s in $(list "$r/ec2-describe-snapshots.json" | jq -r '.Snapshots[]?.SnapshotId'); do
    rec "$r/ec2-describe-snapshot-attribute/$s" "$r" ec2 describe-snapshot-attribute --snapshot-id "$s" --attribute createVolumePermission
  done
  for op in describe-db-instances describe-db-clusters describe-db-snapshots describe-db-cluster-snapshots; do
    rec "$r/rds-$op.json" "$r" rds "$op"
  done
  for s in $(list "$r/rds-describe-db-snapshots.json" | jq -r '.DBSnapshots[]? | select(.SnapshotType == "manual") | .DBSnapshotIdentifier'); do
    rec "$r/rds-describe-db-snapshot-attributes/$(enc "$s")" "$r" rds describe-db-snapshot-attributes --db-snapshot-identifier "$s"
  done
  for s in $(list "$r/rds-describe-db-cluster-snapshots.json" | jq -r '.DBClusterSnapshots[]? | select(.SnapshotType == "manual") | .DBClusterSnapshotIdentifier'); do
    rec "$r/rds-describe-db-cluster-snapshot-attributes/$(enc "$s")" "$r" rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier "$s"
  done
  rec "$r/efs-describe-file-systems.json" "$r" efs describe-file-systems
  for fs in $(list "$r/efs-describe-file-systems.json" | jq -r '.FileSystems[]?.FileSystemId'); do
    rec "$r/efs-describe-file-system-policy/$fs" "$r" efs describe-file-system-policy --file-system-id "$fs"
  done
  rec "$r/lambda-list-functions.json" "$r" lambda list-functions
  list "$r/lambda-list-functions.json" | jq -r '.Functions[]? | [.FunctionName, .FunctionArn] | @tsv' |
  while IFS=$'\t' read -r name arn; do
    rec "$r/lambda-get-policy/$(enc "$name")" "$r" lambda get-policy --function-name "$name"
    rec "$r/lambda-get-function-url-config/$(enc "$name")" "$r" lambda get-function-url-config --function-name "$name"
    rec "$r/lambda-list-tags/$(enc "$arn")" "$r" lambda list-tags --resource "$arn"
  done
  rec "$r/cloudtrail-describe-trails.json" "$r" cloudtrail describe-trails --include-shadow-trails
  for arn in $(list "$r/cloudtrail-describe-trails.json" | jq -r --arg r "$r" '.trailList[]? | select(.HomeRegion == $r) | .TrailARN'); do
    rec "$r/cloudtrail-get-trail-status/$(enc "$arn")" "$r" cloudtrail get-trail-status --name "$arn"
    rec "$r/cloudtrail-get-event-selectors/$(enc "$arn")" "$r" cloudtrail get-event-selectors --trail-name "$arn"
  done
  for op in describe-configuration-recorders describe-configuration-recorder-status describe-delivery-channels describe-delivery-channel-status; do
    rec "$r/configservice-$op.json" "$r" configservice "$op"
  done
  rec "$r/guardduty-list-detectors.json" "$r" guardduty list-detectors
  for d in $(list "$r/guardduty-list-detectors.json" | jq -r '.DetectorIds[]?'); do
    rec "$r/guardduty-get-detector/$d" "$r" guardduty get-detector --detector-id "$d"
  done
  rec "$r/accessanalyzer-list-analyzers.json" "$r" accessanalyzer list-analyzers
  rec "$r/securityhub-describe-hub.json" "$r" securityhub describe-hub
  rec "$r/logs-describe-metric-filters.json" "$r" logs describe-metric-filters
  rec "$r/cloudwatch-describe-alarms.json" "$r" cloudwatch describe-alarms
  rec "$r/sns-list-topics.json" "$r" sns list-topics
  for arn in $(list "$r/sns-list-topics.json" | jq -r '.Topics[]?.TopicArn'); do
    rec "$r/sns-get-topic-attributes/$(enc "$arn")" "$r" sns get-topic-attributes --topic-arn "$arn"
    rec "$r/sns-list-subscriptions-by-topic/$(enc "$arn")" "$r" sns list-subscriptions-by-topic --topic-arn "$arn"
  done
  rec "$r/kms-list-keys.json" "$r" kms list-keys
  for k in $(list "$r/kms-list-keys.json" | jq -r '.Keys[]?.KeyId'); do
    rec "$r/kms-describe-key/$k" "$r" kms describe-key --key-id "$k"
    rec "$r/kms-get-key-rotation-status/$k" "$r" kms get-key-rotation-status --key-id "$k"
    rec "$r/kms-get-key-policy/$k" "$r" kms get-key-policy --key-id "$k" --policy-name default
  done
done
echo "recorded account ${account:-?} in $dir (regions: ${regions[*]})" >&2
