package collect

// S3ControlClient exposes the S3 Control client constructor to the
// external tests, which seed the account-level public access block.
var S3ControlClient = s3controlClient
