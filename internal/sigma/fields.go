package sigma

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// field reads one Sigma field name from an event. Scalar fields use str
// ("" is null, as vigil.Event stores missing keys); fields that hold
// several values (resources, paths inside JSON documents) use multi.
type field struct {
	name  string
	str   func(e *vigil.Event) string
	multi func(e *vigil.Event, st *state) []string
}

// scalarFields maps lower-case Sigma field names, spelled as in CloudTrail
// records (and so in SigmaHQ's AWS rules), to vigil.Event fields.
var scalarFields = map[string]func(e *vigil.Event) string{
	"eventversion":                 func(e *vigil.Event) string { return e.EventVersion },
	"eventtime":                    func(e *vigil.Event) string { return e.EventTime },
	"eventsource":                  func(e *vigil.Event) string { return e.EventSource },
	"eventname":                    func(e *vigil.Event) string { return e.EventName },
	"awsregion":                    func(e *vigil.Event) string { return e.AWSRegion },
	"sourceipaddress":              func(e *vigil.Event) string { return e.SourceIPAddress },
	"useragent":                    func(e *vigil.Event) string { return e.UserAgent },
	"errorcode":                    func(e *vigil.Event) string { return e.ErrorCode },
	"errormessage":                 func(e *vigil.Event) string { return e.ErrorMessage },
	"requestid":                    func(e *vigil.Event) string { return e.RequestID },
	"eventid":                      func(e *vigil.Event) string { return e.EventID },
	"readonly":                     func(e *vigil.Event) string { return e.ReadOnly },
	"eventtype":                    func(e *vigil.Event) string { return e.EventType },
	"apiversion":                   func(e *vigil.Event) string { return e.APIVersion },
	"managementevent":              func(e *vigil.Event) string { return e.ManagementEvent },
	"recipientaccountid":           func(e *vigil.Event) string { return e.RecipientAccountID },
	"sharedeventid":                func(e *vigil.Event) string { return e.SharedEventID },
	"vpcendpointid":                func(e *vigil.Event) string { return e.VPCEndpointID },
	"vpcendpointaccountid":         func(e *vigil.Event) string { return e.VPCEndpointAccountID },
	"eventcategory":                func(e *vigil.Event) string { return e.EventCategory },
	"sessioncredentialfromconsole": func(e *vigil.Event) string { return e.SessionCredentialFromConsole },

	"useridentity.type":                        func(e *vigil.Event) string { return e.UserIdentity.Type },
	"useridentity.principalid":                 func(e *vigil.Event) string { return e.UserIdentity.PrincipalID },
	"useridentity.arn":                         func(e *vigil.Event) string { return e.UserIdentity.ARN },
	"useridentity.accountid":                   func(e *vigil.Event) string { return e.UserIdentity.AccountID },
	"useridentity.invokedby":                   func(e *vigil.Event) string { return e.UserIdentity.InvokedBy },
	"useridentity.accesskeyid":                 func(e *vigil.Event) string { return e.UserIdentity.AccessKeyID },
	"useridentity.username":                    func(e *vigil.Event) string { return e.UserIdentity.UserName },
	"useridentity.onbehalfof.identitystorearn": func(e *vigil.Event) string { return e.UserIdentity.IdentityStore },
	"useridentity.onbehalfof.userid":           func(e *vigil.Event) string { return e.UserIdentity.OnBehalfOfUser },
	"useridentity.sessioncontext.attributes.mfaauthenticated": func(e *vigil.Event) string {
		return sc(e, func(s *vigil.SessionContext) string { return s.MFAAuthenticated })
	},
	"useridentity.sessioncontext.attributes.creationdate": func(e *vigil.Event) string {
		return sc(e, func(s *vigil.SessionContext) string { return s.CreationDate })
	},
	"useridentity.sessioncontext.ec2roledelivery": func(e *vigil.Event) string {
		return sc(e, func(s *vigil.SessionContext) string { return s.EC2RoleDelivery })
	},
	"useridentity.sessioncontext.sourceidentity": func(e *vigil.Event) string {
		return sc(e, func(s *vigil.SessionContext) string { return s.SourceIdentity })
	},
	"useridentity.sessioncontext.webidfederationdata.federatedprovider": func(e *vigil.Event) string {
		return sc(e, func(s *vigil.SessionContext) string {
			if s.WebIDFederationData == nil {
				return ""
			}
			return s.WebIDFederationData.FederatedProvider
		})
	},
	"useridentity.sessioncontext.sessionissuer.type": func(e *vigil.Event) string {
		return issuer(e, func(s *vigil.SessionIssuer) string { return s.Type })
	},
	"useridentity.sessioncontext.sessionissuer.principalid": func(e *vigil.Event) string {
		return issuer(e, func(s *vigil.SessionIssuer) string { return s.PrincipalID })
	},
	"useridentity.sessioncontext.sessionissuer.arn": func(e *vigil.Event) string {
		return issuer(e, func(s *vigil.SessionIssuer) string { return s.ARN })
	},
	"useridentity.sessioncontext.sessionissuer.accountid": func(e *vigil.Event) string {
		return issuer(e, func(s *vigil.SessionIssuer) string { return s.AccountID })
	},
	"useridentity.sessioncontext.sessionissuer.username": func(e *vigil.Event) string {
		return issuer(e, func(s *vigil.SessionIssuer) string { return s.UserName })
	},

	"addendum.reason": func(e *vigil.Event) string {
		return addendum(e, func(a *vigil.Addendum) string { return a.Reason })
	},
	"addendum.updatedfields": func(e *vigil.Event) string {
		return addendum(e, func(a *vigil.Addendum) string { return a.UpdatedFields })
	},
	"addendum.originalrequestid": func(e *vigil.Event) string {
		return addendum(e, func(a *vigil.Addendum) string { return a.OriginalRequestID })
	},
	"addendum.originaleventid": func(e *vigil.Event) string {
		return addendum(e, func(a *vigil.Addendum) string { return a.OriginalEventID })
	},
	"tlsdetails.tlsversion": func(e *vigil.Event) string {
		return tls(e, func(t *vigil.TLSDetails) string { return t.TLSVersion })
	},
	"tlsdetails.ciphersuite": func(e *vigil.Event) string {
		return tls(e, func(t *vigil.TLSDetails) string { return t.CipherSuite })
	},
	"tlsdetails.clientprovidedhostheader": func(e *vigil.Event) string {
		return tls(e, func(t *vigil.TLSDetails) string { return t.ClientProvidedHostHeader })
	},
}

func sc(e *vigil.Event, f func(*vigil.SessionContext) string) string {
	if e.UserIdentity.SessionContext == nil {
		return ""
	}
	return f(e.UserIdentity.SessionContext)
}

func issuer(e *vigil.Event, f func(*vigil.SessionIssuer) string) string {
	return sc(e, func(s *vigil.SessionContext) string {
		if s.SessionIssuer == nil {
			return ""
		}
		return f(s.SessionIssuer)
	})
}

func addendum(e *vigil.Event, f func(*vigil.Addendum) string) string {
	if e.Addendum == nil {
		return ""
	}
	return f(e.Addendum)
}

func tls(e *vigil.Event, f func(*vigil.TLSDetails) string) string {
	if e.TLSDetails == nil {
		return ""
	}
	return f(e.TLSDetails)
}

// resourceFields are the keys of the resources list; an event matches if
// any element does.
var resourceFields = map[string]func(r *vigil.Resource) string{
	"resources.arn":       func(r *vigil.Resource) string { return r.ARN },
	"resources.accountid": func(r *vigil.Resource) string { return r.AccountID },
	"resources.type":      func(r *vigil.Resource) string { return r.Type },
}

// jsonDocs are the fields vigil.Event keeps as raw JSON text. A path below
// them (requestParameters.policyArn) is looked up in the parsed document;
// the bare name matches the raw text.
var jsonDocs = []struct {
	name string
	raw  func(e *vigil.Event) string
}{
	{"requestparameters", func(e *vigil.Event) string { return e.RequestParameters }},
	{"responseelements", func(e *vigil.Event) string { return e.ResponseElements }},
	{"additionaleventdata", func(e *vigil.Event) string { return e.AdditionalEventData }},
	{"serviceeventdetails", func(e *vigil.Event) string { return e.ServiceEventDetails }},
	{"edgedevicedetails", func(e *vigil.Event) string { return e.EdgeDeviceDetails }},
	{"insightdetails", func(e *vigil.Event) string { return e.InsightDetails }},
}

// state caches, for one Match call, the JSON documents parsed so far, so
// each is parsed at most once however many fields the rule reads.
type state struct {
	parsed [6]bool
	docs   [6]any
}

func (st *state) doc(i int, raw string) any {
	if !st.parsed[i] {
		st.parsed[i] = true
		d := json.NewDecoder(strings.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&st.docs[i]); err != nil {
			st.docs[i] = nil // malformed or empty: every path is null
		}
	}
	return st.docs[i]
}

// lookupField resolves a Sigma field name. Names are matched without
// regard to case; an unknown name is an error.
func lookupField(name string) (field, error) {
	lower := strings.ToLower(name)
	if f, ok := scalarFields[lower]; ok {
		return field{name: name, str: f}, nil
	}
	if f, ok := resourceFields[lower]; ok {
		return field{name: name, multi: func(e *vigil.Event, _ *state) []string {
			var out []string
			for i := range e.Resources {
				if v := f(&e.Resources[i]); v != "" {
					out = append(out, v)
				}
			}
			return out
		}}, nil
	}
	const attrs = "useridentity.sessioncontext.webidfederationdata.attributes."
	if strings.HasPrefix(lower, attrs) && len(name) > len(attrs) {
		key := name[len(attrs):]
		return field{name: name, str: func(e *vigil.Event) string {
			return sc(e, func(s *vigil.SessionContext) string {
				if s.WebIDFederationData == nil {
					return ""
				}
				return s.WebIDFederationData.Attributes[key]
			})
		}}, nil
	}
	for i, d := range jsonDocs {
		if lower == d.name {
			return field{name: name, str: d.raw}, nil
		}
		if strings.HasPrefix(lower, d.name+".") {
			segs := strings.Split(name[len(d.name)+1:], ".")
			for _, s := range segs {
				if s == "" {
					return field{}, fmt.Errorf("field %q: empty path element", name)
				}
			}
			return field{name: name, multi: func(e *vigil.Event, st *state) []string {
				raw := d.raw(e)
				if raw == "" {
					return nil
				}
				return walk(st.doc(i, raw), segs, nil)
			}}, nil
		}
	}
	return field{}, fmt.Errorf("unknown field %q (not a CloudTrail record field)", name)
}

// walk appends the values at path segs below v. Lists are transparent: a
// path through a list reaches every element, as Sigma backends treat
// arrays. Nulls are left out; objects are rendered as compact JSON.
func walk(v any, segs []string, out []string) []string {
	switch x := v.(type) {
	case nil:
		return out
	case []any:
		for _, el := range x {
			out = walk(el, segs, out)
		}
		return out
	case map[string]any:
		if len(segs) == 0 {
			return append(out, compact(x))
		}
		child, ok := x[segs[0]]
		if !ok {
			for k, c := range x {
				if strings.EqualFold(k, segs[0]) {
					child, ok = c, true
					break
				}
			}
		}
		if !ok {
			return out
		}
		return walk(child, segs[1:], out)
	}
	if len(segs) > 0 {
		return out
	}
	switch x := v.(type) {
	case string:
		return append(out, x)
	case json.Number:
		return append(out, x.String())
	case bool:
		if x {
			return append(out, "true")
		}
		return append(out, "false")
	}
	return out
}

func compact(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}
