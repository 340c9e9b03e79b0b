package lake

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// ctJSONColumns declares the CloudTrail record for DuckDB's read_json
// (inference is slower and fails on some data); JSON-typed fields keep
// their text, as in the lake.
const ctJSONColumns = `STRUCT(eventVersion VARCHAR,
 userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR,
  accessKeyId VARCHAR, userName VARCHAR, sessionContext STRUCT(attributes STRUCT(mfaAuthenticated VARCHAR,
  creationDate VARCHAR), sessionIssuer STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR,
  userName VARCHAR), ec2RoleDelivery VARCHAR, sourceIdentity VARCHAR)),
 eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR,
 userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, requestParameters JSON, responseElements JSON,
 additionalEventData JSON, requestID VARCHAR, eventID VARCHAR, readOnly VARCHAR,
 resources STRUCT(ARN VARCHAR, accountId VARCHAR, type VARCHAR)[], eventType VARCHAR, apiVersion VARCHAR,
 managementEvent VARCHAR, recipientAccountId VARCHAR, serviceEventDetails JSON, sharedEventID VARCHAR,
 vpcEndpointId VARCHAR, eventCategory VARCHAR, sessionCredentialFromConsole VARCHAR,
 tlsDetails STRUCT(tlsVersion VARCHAR, cipherSuite VARCHAR, clientProvidedHostHeader VARCHAR))[]`

// BaselineCopy ingests CloudTrail files in the S3 delivery layout with
// DuckDB alone — read_json, then COPY ... PARTITION_BY (account, region,
// date) — into outDir. It is the yardstick `vigil bench ingest` measures
// Vigil's own ingest against, on the same files in the same run. It
// returns the number of rows written.
func BaselineCopy(ctx context.Context, glob, outDir string) (int64, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (
	  SELECT r.*,
	    regexp_extract(filename, 'AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/', 1) AS account,
	    regexp_extract(filename, '/CloudTrail/([^/]+)/', 1) AS region,
	    replace(regexp_extract(filename, '/([0-9]{4}/[0-9]{2}/[0-9]{2})/', 1), '/', '-') AS date
	  FROM (SELECT unnest(Records) AS r, filename
	        FROM read_json(%s, columns = {'Records': '%s'}, filename = true,
	                       maximum_object_size = 536870912, format = 'auto'))
	) TO %s (FORMAT parquet, PARTITION_BY (account, region, date), COMPRESSION zstd, OVERWRITE_OR_IGNORE)`,
		quote(glob), ctJSONColumns, quote(outDir))
	res, err := db.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("duckdb baseline copy: %w", err)
	}
	return res.RowsAffected()
}
