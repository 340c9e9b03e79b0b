package cloudtrail

import "github.com/vigil-sec/vigil/internal/vigil"

// otherUser returns the IAM user a call acts on (requestParameters
// userName) when that is not the caller itself: an IAM user acting on
// another user, or any role session or root acting on a user. "" when the
// call names no user or the caller's own.
func otherUser(e *vigil.Event) string {
	target := text(get(params(e), "userName"))
	if target == "" || (e.UserIdentity.Type == "IAMUser" && target == e.UserIdentity.UserName) {
		return ""
	}
	return target
}
