// Package inventory records resource configuration the way AWS Config does:
// configuration items (CIs) in Config's shape, collected from the AWS APIs
// by one collector per service, or read from the ConfigSnapshot and
// ConfigHistory files Config itself delivers.
//
// A collection is a snapshot: every collector runs in every enabled region
// of one account (global resources once, in the global region) and emits
// Items. Items carry the configuration in Config's camelCase form (the SDK
// output with its field names lower-camel-cased, which is how Config
// serialises the same API shapes), so checks read Config's delivered files
// and Vigil's own collections alike.
//
// Every API call a collector makes goes through Call, which can also record
// the response to a folder in CloudMapper's collect layout
// (<region>/<service>-<operation>.json, or one file per resource under
// <region>/<service>-<operation>/) or replay a collection from such a
// folder with no network at all. Recording, replay and live collection
// therefore run the same collector code.
//
// A call that fails (AccessDenied, an unsupported API, a region that is
// not enabled) never aborts the collection: it becomes a CallError on the
// affected item, or a gap item (resource type GapType) when a whole
// resource type could not be listed, so checks can answer ERROR with the
// missing permission instead of PASS.
package inventory
