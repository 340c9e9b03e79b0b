package cloudtrail

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Grantee groups of S3 ACLs
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups).
const (
	groupAllUsers           = "acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticatedUsers = "acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// bucketExposure evaluates the policy or ACL a successful PutBucketPolicy,
// PutBucketAcl or CreateBucket sets, and returns who it lets in and why.
func bucketExposure(e *vigil.Event) (exposure, string) {
	if e.EventSource != "s3.amazonaws.com" || !succeeded(e) {
		return exposureNone, ""
	}
	p := params(e)
	switch e.EventName {
	case "PutBucketPolicy":
		best, why := exposureNone, ""
		for _, s := range statements(get(p, "bucketPolicy")) {
			if !s.allow() {
				continue
			}
			level := exposureNone
			switch {
			case s.notPrincipal != nil:
				level = exposureAnonymous // Allow with NotPrincipal: everyone but a few
			case hasWildcard(s.awsPrincipals()):
				level = s.wildcardExposure()
			}
			if level > best {
				best, why = level, "its bucket policy allows "+strings.Join(s.actions, ", ")+" to "+principalText(level)
			}
		}
		return best, why
	case "PutBucketAcl", "CreateBucket":
		best, why := exposureNone, ""
		for _, c := range texts(get(p, "x-amz-acl")) {
			switch c {
			case "public-read", "public-read-write":
				best, why = exposureAnonymous, "canned ACL "+c
			case "authenticated-read":
				if best < exposureAuthenticated {
					best, why = exposureAuthenticated, "canned ACL "+c
				}
			}
		}
		var grants []string // grantee URIs
		for _, g := range list(get(p, "AccessControlPolicy", "AccessControlList", "Grant")) {
			grants = append(grants, text(get(g, "Grantee", "URI"))+" "+text(get(g, "Permission")))
		}
		for _, h := range []string{"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"} {
			for _, v := range texts(get(p, h)) {
				grants = append(grants, v+" "+strings.TrimPrefix(h, "x-amz-grant-"))
			}
		}
		for _, g := range grants {
			switch {
			case strings.Contains(g, groupAllUsers):
				best, why = exposureAnonymous, "its ACL grants AllUsers "+g[strings.LastIndexByte(g, ' ')+1:]
			case strings.Contains(g, groupAuthenticatedUsers) && best < exposureAuthenticated:
				best, why = exposureAuthenticated, "its ACL grants AuthenticatedUsers "+g[strings.LastIndexByte(g, ' ')+1:]
			}
		}
		return best, why
	}
	return exposureNone, ""
}

func hasWildcard(principals []string) bool {
	for _, p := range principals {
		if p == "*" {
			return true
		}
	}
	return false
}

func principalText(level exposure) string {
	if level == exposureAnonymous {
		return "anyone"
	}
	return "any authenticated AWS principal"
}
