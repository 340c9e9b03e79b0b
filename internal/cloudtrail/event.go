package cloudtrail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// field identifies a modelled key. Keys are matched case-insensitively, as
// Athena's JSON SerDe does, with an exact-case fast path.
type field int

const (
	fUnknown field = iota
	fEventVersion
	fUserIdentity
	fEventTime
	fEventSource
	fEventName
	fAWSRegion
	fSourceIP
	fUserAgent
	fErrorCode
	fErrorMessage
	fRequestParameters
	fResponseElements
	fAdditionalEventData
	fRequestID
	fEventID
	fReadOnly
	fResources
	fEventType
	fAPIVersion
	fManagementEvent
	fRecipientAccountID
	fServiceEventDetails
	fSharedEventID
	fVPCEndpointID
	fVPCEndpointAccountID
	fEventCategory
	fAddendum
	fSessionCredentialFromConsole
	fEdgeDeviceDetails
	fTLSDetails
	fInsightDetails
)

var eventFields = fieldMap(map[string]field{
	"eventVersion": fEventVersion, "userIdentity": fUserIdentity, "eventTime": fEventTime,
	"eventSource": fEventSource, "eventName": fEventName, "awsRegion": fAWSRegion,
	"sourceIPAddress": fSourceIP, "userAgent": fUserAgent, "errorCode": fErrorCode,
	"errorMessage": fErrorMessage, "requestParameters": fRequestParameters,
	"responseElements": fResponseElements, "additionalEventData": fAdditionalEventData,
	"requestID": fRequestID, "eventID": fEventID, "readOnly": fReadOnly, "resources": fResources,
	"eventType": fEventType, "apiVersion": fAPIVersion, "managementEvent": fManagementEvent,
	"recipientAccountId": fRecipientAccountID, "serviceEventDetails": fServiceEventDetails,
	"sharedEventID": fSharedEventID, "vpcEndpointId": fVPCEndpointID,
	"vpcEndpointAccountId": fVPCEndpointAccountID, "eventCategory": fEventCategory,
	"addendum": fAddendum, "sessionCredentialFromConsole": fSessionCredentialFromConsole,
	"edgeDeviceDetails": fEdgeDeviceDetails, "tlsDetails": fTLSDetails, "insightDetails": fInsightDetails,
})

// fieldMap returns m with a lower-case alias for every key.
func fieldMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, 2*len(m))
	for k, v := range m {
		out[k] = v
		out[strings.ToLower(k)] = v
	}
	return out
}

func lookup[V any](m map[string]V, key string) (V, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	var buf [64]byte
	if len(key) > len(buf) {
		v, ok := m[strings.ToLower(key)]
		return v, ok
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	v, ok := m[string(buf[:len(key)])]
	return v, ok
}

// extras collects keys Vigil does not model, as a JSON object.
type extras struct{ b []byte }

func (x *extras) add(path, raw string) {
	if len(x.b) == 0 {
		x.b = append(x.b, '{')
	} else {
		x.b = append(x.b, ',')
	}
	x.b = appendJSONString(x.b, path)
	x.b = append(x.b, ':')
	x.b = append(x.b, raw...)
}

func (x *extras) String() string {
	if len(x.b) == 0 {
		return ""
	}
	return string(append(x.b, '}'))
}

// ParseEvent decodes one CloudTrail record held in data into e, which it
// resets first. Errors wrap vigil.ErrMalformedRecord.
func ParseEvent(data []byte, e *vigil.Event) error {
	if !utf8.Valid(data) {
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return parseEvent(string(data), e)
}

func parseEvent(s string, e *vigil.Event) error {
	*e = vigil.Event{}
	sc := scanner{s: s}
	var x extras
	end, err := sc.object(0, func(key string, v int) (int, error) {
		f, _ := lookup(eventFields, key)
		var err error
		var end int
		switch f {
		case fUserIdentity:
			return parseIdentity(&sc, v, &e.UserIdentity, &x)
		case fResources:
			return parseResources(&sc, v, e, &x)
		case fAddendum:
			return parseAddendum(&sc, v, e, &x)
		case fTLSDetails:
			return parseTLS(&sc, v, e, &x)
		case fRequestParameters:
			e.RequestParameters, end, err = sc.raw(v)
		case fResponseElements:
			e.ResponseElements, end, err = sc.raw(v)
		case fAdditionalEventData:
			e.AdditionalEventData, end, err = sc.raw(v)
		case fServiceEventDetails:
			e.ServiceEventDetails, end, err = sc.raw(v)
		case fEdgeDeviceDetails:
			e.EdgeDeviceDetails, end, err = sc.raw(v)
		case fInsightDetails:
			e.InsightDetails, end, err = sc.raw(v)
		case fUnknown:
			var raw string
			end, err = sc.skip(v, 1)
			if err == nil {
				raw = sc.s[v:end]
				x.add(key, raw)
			}
		default:
			var val string
			val, end, err = sc.scalar(v)
			if err == nil {
				setScalar(e, f, val)
			}
		}
		return end, err
	})
	if err != nil {
		return fmt.Errorf("%w: %w", vigil.ErrMalformedRecord, err)
	}
	if end = sc.ws(end); end != len(s) {
		return fmt.Errorf("%w: %w", vigil.ErrMalformedRecord, sc.errAt(end, "data after record"))
	}
	e.Extra = x.String()
	return nil
}

func setScalar(e *vigil.Event, f field, v string) {
	switch f {
	case fEventVersion:
		e.EventVersion = v
	case fEventTime:
		e.EventTime = v
	case fEventSource:
		e.EventSource = v
	case fEventName:
		e.EventName = v
	case fAWSRegion:
		e.AWSRegion = v
	case fSourceIP:
		e.SourceIPAddress = v
	case fUserAgent:
		e.UserAgent = v
	case fErrorCode:
		e.ErrorCode = v
	case fErrorMessage:
		e.ErrorMessage = v
	case fRequestID:
		e.RequestID = v
	case fEventID:
		e.EventID = v
	case fReadOnly:
		e.ReadOnly = boolText(v)
	case fEventType:
		e.EventType = v
	case fAPIVersion:
		e.APIVersion = v
	case fManagementEvent:
		e.ManagementEvent = boolText(v)
	case fRecipientAccountID:
		e.RecipientAccountID = v
	case fSharedEventID:
		e.SharedEventID = v
	case fVPCEndpointID:
		e.VPCEndpointID = v
	case fVPCEndpointAccountID:
		e.VPCEndpointAccountID = v
	case fEventCategory:
		e.EventCategory = v
	case fSessionCredentialFromConsole:
		e.SessionCredentialFromConsole = boolText(v)
	}
}

// boolText normalises a boolean that CloudTrail writes either as a JSON
// boolean or as a string ("true", "True") to Athena's 'true'/'false'.
func boolText(v string) string {
	switch {
	case strings.EqualFold(v, "true"):
		return "true"
	case strings.EqualFold(v, "false"):
		return "false"
	}
	return v
}

type idField int

const (
	iUnknown idField = iota
	iType
	iPrincipalID
	iARN
	iAccountID
	iInvokedBy
	iAccessKeyID
	iUserName
	iSessionContext
	iOnBehalfOf
)

var identityFields = fieldMap(map[string]idField{
	"type": iType, "principalId": iPrincipalID, "arn": iARN, "accountId": iAccountID,
	"invokedBy": iInvokedBy, "accessKeyId": iAccessKeyID, "userName": iUserName,
	"sessionContext": iSessionContext, "onBehalfOf": iOnBehalfOf,
})

// nullOr handles a nested value that may be null: it returns (end, true)
// when the value at v is null.
func nullOr(sc *scanner, v int) (int, bool, error) {
	if v < len(sc.s) && sc.s[v] == 'n' {
		end, err := sc.literal(v, "null")
		return end, true, err
	}
	return v, false, nil
}

func parseIdentity(sc *scanner, v int, u *vigil.UserIdentity, x *extras) (int, error) {
	if end, null, err := nullOr(sc, v); null || err != nil {
		return end, err
	}
	return sc.object(v, func(key string, v int) (int, error) {
		f, _ := lookup(identityFields, key)
		switch f {
		case iSessionContext:
			if end, null, err := nullOr(sc, v); null || err != nil {
				return end, err
			}
			u.SessionContext = &vigil.SessionContext{}
			return parseSessionContext(sc, v, u.SessionContext, x)
		case iOnBehalfOf:
			if end, null, err := nullOr(sc, v); null || err != nil {
				return end, err
			}
			return sc.object(v, func(key string, v int) (int, error) {
				val, end, err := sc.scalar(v)
				switch lower(key) {
				case "userid":
					u.OnBehalfOfUser = val
				case "identitystorearn":
					u.IdentityStore = val
				default:
					x.add("userIdentity.onBehalfOf."+key, sc.s[v:end])
				}
				return end, err
			})
		case iUnknown:
			end, err := sc.skip(v, 1)
			if err == nil {
				x.add("userIdentity."+key, sc.s[v:end])
			}
			return end, err
		}
		val, end, err := sc.scalar(v)
		switch f {
		case iType:
			u.Type = val
		case iPrincipalID:
			u.PrincipalID = val
		case iARN:
			u.ARN = val
		case iAccountID:
			u.AccountID = val
		case iInvokedBy:
			u.InvokedBy = val
		case iAccessKeyID:
			u.AccessKeyID = val
		case iUserName:
			u.UserName = val
		}
		return end, err
	})
}

func parseSessionContext(sc *scanner, v int, c *vigil.SessionContext, x *extras) (int, error) {
	return sc.object(v, func(key string, v int) (int, error) {
		lkey := lower(key)
		switch lkey {
		case "attributes", "sessionissuer", "webidfederationdata":
			// Only the nested objects may be null here; other null values,
			// unknown keys among them, go through to Extra below.
			if end, null, err := nullOr(sc, v); null || err != nil {
				return end, err
			}
		}
		switch lkey {
		case "attributes":
			return sc.object(v, func(key string, v int) (int, error) {
				val, end, err := sc.scalar(v)
				switch lower(key) {
				case "mfaauthenticated":
					c.MFAAuthenticated = boolText(val)
				case "creationdate":
					c.CreationDate = val
				default:
					x.add("userIdentity.sessionContext.attributes."+key, sc.s[v:end])
				}
				return end, err
			})
		case "sessionissuer":
			si := &vigil.SessionIssuer{}
			c.SessionIssuer = si
			return sc.object(v, func(key string, v int) (int, error) {
				val, end, err := sc.scalar(v)
				switch lower(key) {
				case "type":
					si.Type = val
				case "principalid":
					si.PrincipalID = val
				case "arn":
					si.ARN = val
				case "accountid":
					si.AccountID = val
				case "username":
					si.UserName = val
				default:
					x.add("userIdentity.sessionContext.sessionIssuer."+key, sc.s[v:end])
				}
				return end, err
			})
		case "webidfederationdata":
			w := &vigil.WebIDFederationData{}
			end, err := sc.object(v, func(key string, v int) (int, error) {
				switch lower(key) {
				case "federatedprovider":
					val, end, err := sc.scalar(v)
					w.FederatedProvider = val
					return end, err
				case "attributes":
					if end, null, err := nullOr(sc, v); null || err != nil {
						return end, err
					}
					w.Attributes = map[string]string{}
					return sc.object(v, func(key string, v int) (int, error) {
						val, end, err := sc.scalar(v)
						w.Attributes[key] = val
						return end, err
					})
				}
				end, err := sc.skip(v, 1)
				if err == nil {
					x.add("userIdentity.sessionContext.webIdFederationData."+key, sc.s[v:end])
				}
				return end, err
			})
			if w.FederatedProvider != "" || w.Attributes != nil {
				c.WebIDFederationData = w
			}
			return end, err
		}
		val, end, err := sc.scalar(v)
		switch lkey {
		case "ec2roledelivery":
			c.EC2RoleDelivery = val
		case "sourceidentity":
			c.SourceIdentity = val
		default:
			x.add("userIdentity.sessionContext."+key, sc.s[v:end])
		}
		return end, err
	})
}

func parseResources(sc *scanner, v int, e *vigil.Event, x *extras) (int, error) {
	if end, null, err := nullOr(sc, v); null || err != nil {
		return end, err
	}
	if v >= len(sc.s) || sc.s[v] != '[' {
		end, err := sc.skip(v, 1)
		if err == nil {
			x.add("resources", sc.s[v:end])
		}
		return end, err
	}
	i := sc.ws(v + 1)
	if i < len(sc.s) && sc.s[i] == ']' {
		return i + 1, nil
	}
	for {
		i = sc.ws(i)
		var r vigil.Resource
		end, err := sc.object(i, func(key string, v int) (int, error) {
			val, end, err := sc.scalar(v)
			switch lower(key) {
			case "arn":
				r.ARN = val
			case "accountid":
				r.AccountID = val
			case "type":
				r.Type = val
			default:
				x.add("resources."+key, sc.s[v:end])
			}
			return end, err
		})
		if err != nil {
			return end, err
		}
		e.Resources = append(e.Resources, r)
		i = sc.ws(end)
		if i >= len(sc.s) {
			return i, sc.errAt(i, "")
		}
		switch sc.s[i] {
		case ',':
			i++
		case ']':
			return i + 1, nil
		default:
			return i, sc.errAt(i, "expected ',' or ']'")
		}
	}
}

func parseAddendum(sc *scanner, v int, e *vigil.Event, x *extras) (int, error) {
	if end, null, err := nullOr(sc, v); null || err != nil {
		return end, err
	}
	a := &vigil.Addendum{}
	e.Addendum = a
	return sc.object(v, func(key string, v int) (int, error) {
		val, end, err := sc.scalar(v)
		switch lower(key) {
		case "reason":
			a.Reason = val
		case "updatedfields":
			a.UpdatedFields = val
		case "originalrequestid":
			a.OriginalRequestID = val
		case "originaleventid":
			a.OriginalEventID = val
		default:
			x.add("addendum."+key, sc.s[v:end])
		}
		return end, err
	})
}

func parseTLS(sc *scanner, v int, e *vigil.Event, x *extras) (int, error) {
	if end, null, err := nullOr(sc, v); null || err != nil {
		return end, err
	}
	t := &vigil.TLSDetails{}
	e.TLSDetails = t
	return sc.object(v, func(key string, v int) (int, error) {
		val, end, err := sc.scalar(v)
		switch lower(key) {
		case "tlsversion":
			t.TLSVersion = val
		case "ciphersuite":
			t.CipherSuite = val
		case "clientprovidedhostheader":
			t.ClientProvidedHostHeader = val
		default:
			x.add("tlsDetails."+key, sc.s[v:end])
		}
		return end, err
	})
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// knownKeys are the nested keys CloudTrail writes, so that lower finds
// their lower-case form without allocating.
var knownKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"userId", "identityStoreArn", "attributes", "sessionIssuer", "webIdFederationData", "mfaAuthenticated",
		"creationDate", "type", "principalId", "arn", "ARN", "accountId", "userName", "federatedProvider",
		"ec2RoleDelivery", "sourceIdentity", "reason", "updatedFields", "originalRequestId", "originalEventId",
		"originalRequestID", "originalEventID", "tlsVersion", "cipherSuite", "clientProvidedHostHeader",
	} {
		m[k] = strings.ToLower(k)
		m[strings.ToLower(k)] = strings.ToLower(k)
	}
	return m
}()

// lower returns key in lower case, without allocating for known keys.
func lower(key string) string {
	if l, ok := knownKeys[key]; ok {
		return l
	}
	return strings.ToLower(key)
}
