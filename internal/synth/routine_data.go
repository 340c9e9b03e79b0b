package synth

// Routine activity: S3, KMS, Lambda, DynamoDB and Secrets Manager.

import (
	"strconv"
)

// objectKey returns a plausible S3 object key; a few contain non-ASCII
// characters, as real keys do.
func (g *gen) objectKey() string {
	if g.r.IntN(200) == 0 {
		return pick(g.r, []string{"reports/월간-보고서-2024.pdf", "données/été/ventes.csv", "データ/ログ.json", "exports/Überweisungen Q3.xlsx"})
	}
	b := make([]byte, 0, 48)
	b = append(b, pick(g.r, objectStems)...)
	b = strconv.AppendInt(b, int64(g.r.IntN(100000)), 10)
	b = append(b, pick(g.r, []string{".parquet", ".json.gz", ".jpg", ".csv", ".bin"})...)
	return string(b)
}

// s3Request writes S3's requestParameters for bucket i of the region.
func (g *gen) s3Request(i int, key string, sub string) {
	w := g.reqW()
	w.Open()
	w.KS("bucketName", g.rg.buckets[i])
	w.KS("Host", g.bucketHosts[i])
	if key != "" {
		w.KS("key", key)
	}
	if sub != "" {
		w.KS(sub, "")
	}
	w.Close()
}

func (g *gen) s3Additional(in, out int) {
	w := g.addW()
	w.Open()
	w.KS("SignatureVersion", "SigV4")
	if g.e.tls12 {
		w.KS("CipherSuite", "ECDHE-RSA-AES128-GCM-SHA256")
	} else {
		w.KS("CipherSuite", "TLS_AES_128_GCM_SHA256")
	}
	w.KI("bytesTransferredIn", int64(in))
	w.KS("AuthenticationMethod", "AuthHeader")
	w.Key("x-amz-id-2")
	w.b = append(w.b, '"')
	w.b = appendRandChars(w.b, g.r, b64chars, 76)
	w.b = append(w.b, '"')
	w.c = true
	w.KI("bytesTransferredOut", int64(out))
	w.Close()
}

func actS3Data(g *gen) {
	a := g.acct
	p := pick(g.r, a.apps)
	if g.r.IntN(10) == 0 {
		p = a.services[1] // legacy-backup
	}
	name, readOnly := "GetObject", true
	switch x := g.r.IntN(100); {
	case x < 20:
		name, readOnly = "PutObject", false
	case x < 28:
		name = "HeadObject"
	case x < 33:
		name = "ListObjects"
	case x < 35:
		name, readOnly = "DeleteObject", false
	}
	e := g.start(p, "s3.amazonaws.com", name, readOnly)
	e.version = "1.10"
	e.reqID = reqS3
	g.dataEvent()
	bi := g.r.IntN(len(g.rg.buckets))
	e.tlsHost = g.bucketHosts[bi]
	if p.vpce && chance(g.r, 0.5) {
		e.ip = pick(g.r, g.privIPs)
		e.vpce, e.vpceAcct = g.rg.vpceS3, a.id
	}
	bucketARN := "arn:aws:s3:::" + g.rg.buckets[bi]
	key := ""
	if name != "ListObjects" {
		key = g.objectKey()
	}
	g.s3Request(bi, key, "")
	size := 512 + g.r.IntN(4<<20)
	in, out := 0, 0
	switch name {
	case "GetObject":
		out = size
	case "PutObject":
		in = size
		w := g.respW()
		w.Open()
		w.KS("x-amz-server-side-encryption", "AES256")
		w.Close()
	}
	g.s3Additional(in, out)
	if key != "" {
		g.res("arn:aws:s3:::"+g.rg.buckets[bi]+"/", key, "", "AWS::S3::Object")
	}
	g.res(bucketARN, "", a.id, "AWS::S3::Bucket")
	g.maybeFail(0.02)
}

var s3BucketReads = []struct{ name, sub string }{
	{"GetBucketAcl", "acl"}, {"GetBucketPolicy", "policy"}, {"GetBucketLocation", "location"},
	{"GetBucketEncryption", "encryption"}, {"GetBucketVersioning", "versioning"}, {"GetBucketTagging", "tagging"},
	{"GetBucketPublicAccessBlock", "publicAccessBlock"}, {"GetBucketLogging", "logging"},
}

func actS3Bucket(g *gen) {
	op := pick(g.r, s3BucketReads)
	e := g.start(g.anyCaller(), "s3.amazonaws.com", op.name, true)
	e.version = "1.10"
	e.reqID = reqS3
	bi := g.r.IntN(len(g.rg.buckets))
	e.tlsHost = g.bucketHosts[bi]
	g.s3Request(bi, "", op.sub)
	g.s3Additional(0, 0)
	g.res("arn:aws:s3:::"+g.rg.buckets[bi], "", g.acct.id, "AWS::S3::Bucket")
	switch {
	case op.name == "GetBucketPolicy" && bi%2 == 1:
		e.errCode, e.errMsg = "NoSuchBucketPolicy", "The bucket policy does not exist"
	case op.name == "GetBucketTagging" && bi%3 == 0:
		e.errCode, e.errMsg = "NoSuchTagSet", "The TagSet does not exist"
	default:
		g.maybeFail(0.03)
	}
}

var kmsCallers = []string{"s3.amazonaws.com", "secretsmanager.amazonaws.com", "dynamodb.amazonaws.com", "lambda.amazonaws.com"}

func actKMS(g *gen) {
	name := "Decrypt"
	switch x := g.r.IntN(10); {
	case x < 3:
		name = "GenerateDataKey"
	case x < 4:
		name = "Encrypt"
	}
	p := pick(g.r, g.acct.apps)
	e := g.start(p, "kms.amazonaws.com", name, true)
	e.version = "1.10"
	key := pick(g.r, g.rg.keys)
	via := ""
	if chance(g.r, 0.45) {
		via = pick(g.r, kmsCallers)
		g.byService(via)
	}
	w := g.reqW()
	w.Open()
	if name != "Decrypt" {
		w.KS("keyId", key)
	}
	if name == "GenerateDataKey" {
		w.KS("keySpec", "AES_256")
	}
	if name == "Decrypt" {
		w.KS("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
	}
	w.KO("encryptionContext")
	switch via {
	case "s3.amazonaws.com":
		w.KS("aws:s3:arn", "arn:aws:s3:::"+pick(g.r, g.rg.buckets))
	case "lambda.amazonaws.com":
		w.KS("aws:lambda:FunctionArn", pick(g.r, g.fnARNs))
	case "dynamodb.amazonaws.com":
		w.KS("aws:dynamodb:tableName", pick(g.r, g.rg.tables))
		w.KS("aws:dynamodb:subscriberId", g.acct.id)
	default:
		w.KS("SecretARN", "arn:aws:secretsmanager:"+g.region+":"+g.acct.id+":secret:prod/app-"+randChars(g.r, alnumMixed, 6))
	}
	w.Close()
	w.Close()
	g.res(key, "", g.acct.id, "AWS::KMS::Key")
	g.maybeFail(0.02)
}

func actLambdaInvoke(g *gen) {
	fi := g.r.IntN(len(g.fnARNs))
	var e *rec
	if chance(g.r, 0.5) {
		e = g.start(pick(g.r, g.acct.apps), "lambda.amazonaws.com", "Invoke", false)
	} else {
		e = g.serviceCall(pick(g.r, []string{"apigateway.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com"}), "lambda.amazonaws.com", "Invoke", false)
	}
	e.version = "1.08"
	g.dataEvent()
	w := g.reqW()
	w.Open()
	w.KS("functionName", g.fnARNs[fi])
	w.KS("invocationType", pick(g.r, []string{"RequestResponse", "Event"}))
	w.KS("logType", "None")
	w.Close()
	w = g.addW()
	w.Open()
	w.KS("functionVersion", g.fnARNs[fi]+":$LATEST")
	w.Close()
	g.res(g.fnARNs[fi], "", g.acct.id, "AWS::Lambda::Function")
	g.maybeFail(0.01)
}

func actLambdaRead(g *gen) {
	name := pick(g.r, []string{"GetFunction20150331v2", "ListFunctions20150331", "GetFunctionConfiguration20150331v2", "ListEventSourceMappings20150331"})
	e := g.start(g.anyCaller(), "lambda.amazonaws.com", name, true)
	e.version = "1.08"
	if name == "ListFunctions20150331" || name == "ListEventSourceMappings20150331" {
		return
	}
	w := g.reqW()
	w.Open()
	w.KS("functionName", pick(g.r, g.rg.functions))
	w.Close()
	g.maybeFail(0.02)
}

func actDynamoDB(g *gen) {
	name, readOnly := "GetItem", true
	switch x := g.r.IntN(10); {
	case x < 3:
		name = "Query"
	case x < 5:
		name, readOnly = "PutItem", false
	case x < 6:
		name, readOnly = "UpdateItem", false
	}
	e := g.start(pick(g.r, g.acct.apps), "dynamodb.amazonaws.com", name, readOnly)
	e.version = "1.08"
	e.apiVersion = "2012-08-10"
	g.dataEvent()
	ti := g.r.IntN(len(g.tableARNs))
	w := g.reqW()
	w.Open()
	w.KS("tableName", g.rg.tables[ti])
	switch name {
	case "Query":
		w.KS("keyConditionExpression", "pk = :pk")
		w.KO("expressionAttributeValues")
		w.KS(":pk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		w.Close()
		w.KI("limit", 50)
	case "PutItem":
		w.KO("key")
		w.KS("pk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		w.KS("sk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		w.Close()
		w.KS("returnValues", "NONE")
	default:
		w.KO("key")
		w.KS("pk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		w.Close()
		w.KB("consistentRead", false)
	}
	w.Close()
	g.res(g.tableARNs[ti], "", g.acct.id, "AWS::DynamoDB::Table")
	g.maybeFail(0.01)
}

func actDynamoDBRead(g *gen) {
	name := pick(g.r, []string{"DescribeTable", "ListTables", "DescribeContinuousBackups", "DescribeTimeToLive"})
	e := g.start(g.anyCaller(), "dynamodb.amazonaws.com", name, true)
	e.version = "1.08"
	e.apiVersion = "2012-08-10"
	if name == "ListTables" {
		return
	}
	ti := g.r.IntN(len(g.tableARNs))
	w := g.reqW()
	w.Open()
	w.KS("tableName", g.rg.tables[ti])
	w.Close()
	g.res(g.tableARNs[ti], "", g.acct.id, "AWS::DynamoDB::Table")
}

func actSecret(g *gen) {
	e := g.start(pick(g.r, g.acct.apps), "secretsmanager.amazonaws.com", "GetSecretValue", true)
	e.version = "1.08"
	w := g.reqW()
	w.Open()
	w.KS("secretId", "arn:aws:secretsmanager:"+g.region+":"+g.acct.id+":secret:prod/"+pick(g.r, g.rg.tables)+"-db-"+randChars(g.r, alnumMixed, 6))
	w.Close()
	g.maybeFail(0.02)
}
