package vigil

// Log attribute keys, so that every component names the same thing the same way.
const (
	LogKeyComponent = "component"
	LogKeyAccount   = "account"
	LogKeyRegion    = "region"
	LogKeyBucket    = "bucket"
	LogKeyKey       = "key"
	LogKeyFile      = "file"
	LogKeyQuery     = "query"
)
