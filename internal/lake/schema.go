package lake

import (
	"github.com/vigil-sec/vigil/internal/vigil"
)

// ctRow is one row of the cloudtrail table as stored in Parquet. Column names
// and types follow AWS's documented Athena CloudTrail table; nullable columns
// are pointers (parquet-go writes NULL only for nil pointers). Columns AWS's
// table lacks carry the vigil_ prefix. Partition columns (account, region,
// date) live in the directory names, not in the files.
type ctRow struct {
	EventVersion                 *string       `parquet:"eventversion,optional,dict"`
	UserIdentity                 *ctIdentity   `parquet:"useridentity,optional"`
	EventTime                    *string       `parquet:"eventtime,optional"`
	EventSource                  *string       `parquet:"eventsource,optional,dict"`
	EventName                    *string       `parquet:"eventname,optional,dict"`
	AWSRegion                    *string       `parquet:"awsregion,optional,dict"`
	SourceIPAddress              *string       `parquet:"sourceipaddress,optional,dict"`
	UserAgent                    *string       `parquet:"useragent,optional,dict"`
	ErrorCode                    *string       `parquet:"errorcode,optional,dict"`
	ErrorMessage                 *string       `parquet:"errormessage,optional,dict"`
	RequestParameters            *string       `parquet:"requestparameters,optional"`
	ResponseElements             *string       `parquet:"responseelements,optional"`
	AdditionalEventData          *string       `parquet:"additionaleventdata,optional"`
	RequestID                    *string       `parquet:"requestid,optional"`
	EventID                      *string       `parquet:"eventid,optional"`
	ReadOnly                     *string       `parquet:"readonly,optional,dict"`
	Resources                    []ctResource  `parquet:"resources,optional,list"`
	EventType                    *string       `parquet:"eventtype,optional,dict"`
	APIVersion                   *string       `parquet:"apiversion,optional,dict"`
	RecipientAccountID           *string       `parquet:"recipientaccountid,optional,dict"`
	ServiceEventDetails          *string       `parquet:"serviceeventdetails,optional"`
	SharedEventID                *string       `parquet:"sharedeventid,optional"`
	VPCEndpointID                *string       `parquet:"vpcendpointid,optional,dict"`
	VPCEndpointAccountID         *string       `parquet:"vpcendpointaccountid,optional,dict"`
	EventCategory                *string       `parquet:"eventcategory,optional,dict"`
	Addendum                     *ctAddendum   `parquet:"addendum,optional"`
	SessionCredentialFromConsole *string       `parquet:"sessioncredentialfromconsole,optional,dict"`
	EdgeDeviceDetails            *string       `parquet:"edgedevicedetails,optional"`
	TLSDetails                   *ctTLSDetails `parquet:"tlsdetails,optional"`
	ManagementEvent              *string       `parquet:"vigil_managementevent,optional,dict"`
	InsightDetails               *string       `parquet:"vigil_insightdetails,optional"`
	Extra                        *string       `parquet:"vigil_extra,optional"`
	Source                       *string       `parquet:"vigil_source,optional,dict"`
}

type ctIdentity struct {
	Type           *string           `parquet:"type,optional,dict"`
	PrincipalID    *string           `parquet:"principalid,optional,dict"`
	ARN            *string           `parquet:"arn,optional,dict"`
	AccountID      *string           `parquet:"accountid,optional,dict"`
	InvokedBy      *string           `parquet:"invokedby,optional,dict"`
	AccessKeyID    *string           `parquet:"accesskeyid,optional,dict"`
	UserName       *string           `parquet:"username,optional,dict"`
	OnBehalfOf     *ctOnBehalfOf     `parquet:"onbehalfof,optional"`
	SessionContext *ctSessionContext `parquet:"sessioncontext,optional"`
}

type ctOnBehalfOf struct {
	UserID           *string `parquet:"userid,optional"`
	IdentityStoreARN *string `parquet:"identitystorearn,optional"`
}

type ctSessionContext struct {
	Attributes          *ctAttributes `parquet:"attributes,optional"`
	SessionIssuer       *ctIssuer     `parquet:"sessionissuer,optional"`
	EC2RoleDelivery     *string       `parquet:"ec2roledelivery,optional,dict"`
	WebIDFederationData *ctWebID      `parquet:"webidfederationdata,optional"`
	SourceIdentity      *string       `parquet:"sourceidentity,optional,dict"`
}

type ctAttributes struct {
	MFAAuthenticated *string `parquet:"mfaauthenticated,optional,dict"`
	CreationDate     *string `parquet:"creationdate,optional"`
}

type ctIssuer struct {
	Type        *string `parquet:"type,optional,dict"`
	PrincipalID *string `parquet:"principalid,optional,dict"`
	ARN         *string `parquet:"arn,optional,dict"`
	AccountID   *string `parquet:"accountid,optional,dict"`
	UserName    *string `parquet:"username,optional,dict"`
}

type ctWebID struct {
	FederatedProvider *string           `parquet:"federatedprovider,optional"`
	Attributes        map[string]string `parquet:"attributes,optional"`
}

type ctResource struct {
	ARN       *string `parquet:"arn,optional"`
	AccountID *string `parquet:"accountid,optional"`
	Type      *string `parquet:"type,optional"`
}

type ctAddendum struct {
	Reason            *string `parquet:"reason,optional"`
	UpdatedFields     *string `parquet:"updatedfields,optional"`
	OriginalRequestID *string `parquet:"originalrequestid,optional"`
	OriginalEventID   *string `parquet:"originaleventid,optional"`
}

type ctTLSDetails struct {
	TLSVersion               *string `parquet:"tlsversion,optional,dict"`
	CipherSuite              *string `parquet:"ciphersuite,optional,dict"`
	ClientProvidedHostHeader *string `parquet:"clientprovidedhostheader,optional,dict"`
}

// rowArena hands out the pointers a batch of rows needs from a few slabs,
// instead of one heap allocation per nullable field. It is reset once the
// batch is written: parquet-go copies values and keeps no row pointers.
type rowArena struct {
	strs      []string
	ids       []ctIdentity
	ctxs      []ctSessionContext
	attrs     []ctAttributes
	issuers   []ctIssuer
	tls       []ctTLSDetails
	resources []ctResource
}

func (a *rowArena) reset() {
	clear(a.strs) // drop references to event text
	a.strs = a.strs[:0]
	clear(a.resources)
	a.resources = a.resources[:0]
	a.ids, a.ctxs, a.attrs, a.issuers, a.tls = a.ids[:0], a.ctxs[:0], a.attrs[:0], a.issuers[:0], a.tls[:0]
}

// alloc returns a pointer to a new zero element of *slab. Growing the slab
// leaves earlier pointers valid (they keep the old array alive).
func alloc[T any](slab *[]T) *T {
	var zero T
	*slab = append(*slab, zero)
	return &(*slab)[len(*slab)-1]
}

func (a *rowArena) str(s string) *string {
	if s == "" {
		return nil
	}
	p := alloc(&a.strs)
	*p = s
	return p
}

// newCTRow converts a decoded event into its Parquet row. source is the
// input's key, kept in vigil_source for provenance.
func (a *rowArena) newCTRow(e *vigil.Event, source *string) ctRow {
	u := &e.UserIdentity
	str := a.str
	r := ctRow{
		EventVersion:                 str(e.EventVersion),
		EventTime:                    str(e.EventTime),
		EventSource:                  str(e.EventSource),
		EventName:                    str(e.EventName),
		AWSRegion:                    str(e.AWSRegion),
		SourceIPAddress:              str(e.SourceIPAddress),
		UserAgent:                    str(e.UserAgent),
		ErrorCode:                    str(e.ErrorCode),
		ErrorMessage:                 str(e.ErrorMessage),
		RequestParameters:            str(e.RequestParameters),
		ResponseElements:             str(e.ResponseElements),
		AdditionalEventData:          str(e.AdditionalEventData),
		RequestID:                    str(e.RequestID),
		EventID:                      str(e.EventID),
		ReadOnly:                     str(e.ReadOnly),
		EventType:                    str(e.EventType),
		APIVersion:                   str(e.APIVersion),
		RecipientAccountID:           str(e.RecipientAccountID),
		ServiceEventDetails:          str(e.ServiceEventDetails),
		SharedEventID:                str(e.SharedEventID),
		VPCEndpointID:                str(e.VPCEndpointID),
		VPCEndpointAccountID:         str(e.VPCEndpointAccountID),
		EventCategory:                str(e.EventCategory),
		SessionCredentialFromConsole: str(e.SessionCredentialFromConsole),
		EdgeDeviceDetails:            str(e.EdgeDeviceDetails),
		ManagementEvent:              str(e.ManagementEvent),
		InsightDetails:               str(e.InsightDetails),
		Extra:                        str(e.Extra),
		Source:                       source,
	}
	if *u != (vigil.UserIdentity{}) {
		id := alloc(&a.ids)
		*id = ctIdentity{
			Type:        str(u.Type),
			PrincipalID: str(u.PrincipalID),
			ARN:         str(u.ARN),
			AccountID:   str(u.AccountID),
			InvokedBy:   str(u.InvokedBy),
			AccessKeyID: str(u.AccessKeyID),
			UserName:    str(u.UserName),
		}
		if u.OnBehalfOfUser != "" || u.IdentityStore != "" {
			id.OnBehalfOf = &ctOnBehalfOf{UserID: str(u.OnBehalfOfUser), IdentityStoreARN: str(u.IdentityStore)}
		}
		if sc := u.SessionContext; sc != nil {
			c := alloc(&a.ctxs)
			*c = ctSessionContext{
				EC2RoleDelivery: str(sc.EC2RoleDelivery),
				SourceIdentity:  str(sc.SourceIdentity),
			}
			if sc.MFAAuthenticated != "" || sc.CreationDate != "" {
				at := alloc(&a.attrs)
				*at = ctAttributes{MFAAuthenticated: str(sc.MFAAuthenticated), CreationDate: str(sc.CreationDate)}
				c.Attributes = at
			}
			if si := sc.SessionIssuer; si != nil {
				is := alloc(&a.issuers)
				*is = ctIssuer{Type: str(si.Type), PrincipalID: str(si.PrincipalID), ARN: str(si.ARN), AccountID: str(si.AccountID), UserName: str(si.UserName)}
				c.SessionIssuer = is
			}
			if w := sc.WebIDFederationData; w != nil {
				c.WebIDFederationData = &ctWebID{FederatedProvider: str(w.FederatedProvider), Attributes: w.Attributes}
			}
			id.SessionContext = c
		}
		r.UserIdentity = id
	}
	if len(e.Resources) > 0 {
		n := len(a.resources)
		for _, res := range e.Resources {
			a.resources = append(a.resources, ctResource{ARN: str(res.ARN), AccountID: str(res.AccountID), Type: str(res.Type)})
		}
		r.Resources = a.resources[n:len(a.resources):len(a.resources)]
	}
	if ad := e.Addendum; ad != nil {
		r.Addendum = &ctAddendum{Reason: str(ad.Reason), UpdatedFields: str(ad.UpdatedFields), OriginalRequestID: str(ad.OriginalRequestID), OriginalEventID: str(ad.OriginalEventID)}
	}
	if t := e.TLSDetails; t != nil {
		tl := alloc(&a.tls)
		*tl = ctTLSDetails{TLSVersion: str(t.TLSVersion), CipherSuite: str(t.CipherSuite), ClientProvidedHostHeader: str(t.ClientProvidedHostHeader)}
		r.TLSDetails = tl
	}
	return r
}
