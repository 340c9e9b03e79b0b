package cloudtrail

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(consoleLoginSuccessB) }

// Parameters of impossible travel.
const (
	// travelKmh is the speed above which two sign-ins cannot be one
	// person travelling (airliners fly at 900 km/h).
	travelKmh = 1000
	// travelMinKm ignores neighbouring places: GeoIP puts addresses
	// hundreds of kilometres off, and country centroids more.
	travelMinKm = 500
	// travelWindow: sign-ins further apart are not compared.
	travelWindow = day
	// travelLate is how late a sign-in may arrive and still be compared
	// with those before it (sign-ins are kept travelWindow+travelLate).
	travelLate = day
	// maxLogins bounds the sign-ins kept per principal (the newest).
	maxLogins = 32
)

var consoleLoginSuccessB = &detect.Detection{
	ID:        "unauthorized_access.iam_console_login_success_b",
	Type:      "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Multiple worldwide successful console logins were observed",
	Description: fmt.Sprintf("Impossible travel: two successful ConsoleLogin events of the same principal (user ARN, or the "+
		"federated session's ARN) within %d hours, from addresses in two countries whose distance implies more than %d km/h "+
		"(and more than %d km apart). Places come from the --geoip databases: the city's coordinates when the database has "+
		"them (GeoLite2-City), else the country's centroid. Without a GeoIP database this detection does nothing. The later "+
		"sign-in is the finding's sample; both are its evidence. At most %d sign-ins per principal are kept, for %d hours "+
		"after the newest record seen (sign-ins arriving later than that are not compared). Findings aggregate per principal.",
		travelWindow/3600, travelKmh, travelMinKm, maxLogins, (travelWindow+travelLate)/3600),
	FalsePositives: "VPNs and corporate proxies that exit in another country, mobile networks that GeoIP places far away, " +
		"and shared credentials (which are a finding of their own). Add the VPN's egress addresses to a trusted list.",
	Key:         "principal",
	Technique:   "T1078",
	Source:      detect.SourceCloudTrail,
	NewStateful: func() detect.Stateful { return &travel{P: map[string][]signIn{}} },
}

// travel keeps, per principal, its recent successful sign-ins.
type travel struct {
	P   map[string][]signIn `json:"p"`
	Max int64               `json:"max"`
}

type signIn struct {
	T       int64   `json:"t"`
	Country string  `json:"cc"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Ev      *kept   `json:"e"`
}

// ObserveEvent implements detect.EventObserver.
func (s *travel) ObserveEvent(e *vigil.Event, part vigil.Partition, c *detect.Context) []detect.Hit {
	if e.EventName != "ConsoleLogin" || c.Geo == nil || e.ErrorMessage != "" || e.ErrorCode != "" ||
		!strings.Contains(e.ResponseElements, `"Success"`) {
		return nil
	}
	t, ok := unixTime(e.EventTime)
	if !ok || e.UserIdentity.ARN == "" {
		return nil
	}
	_, p, ok := lookup(c, e)
	if !ok || !p.known || p.loc.CountryCode == "" {
		return nil
	}
	lat, lon, ok := p.loc.Lat, p.loc.Lon, p.loc.HasCoords
	if !ok {
		if lat, lon, ok = centroid(p.loc.CountryCode); !ok {
			return nil
		}
	}
	s.Max = max(s.Max, t)
	who := e.UserIdentity.ARN
	list := s.P[who]
	for _, x := range list {
		if x.Ev.ID == e.EventID {
			return nil
		}
	}
	list = append(list, signIn{T: t, Country: p.loc.CountryCode, Lat: lat, Lon: lon, Ev: keep(e, part)})
	slices.SortFunc(list, func(a, b signIn) int {
		if a.T != b.T {
			return int(max(-1, min(1, a.T-b.T)))
		}
		return strings.Compare(a.Ev.ID, b.Ev.ID)
	})
	if len(list) > maxLogins {
		list = slices.Delete(list, 0, len(list)-maxLogins)
	}
	s.P[strings.Clone(who)] = list
	return nil
}

// Flush implements detect.Stateful: every pair of sign-ins too far apart
// for the time between them, reported on the later one; then sign-ins
// older than the window (and the lateness horizon) are forgotten.
func (s *travel) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, who := range slices.Sorted(maps.Keys(s.P)) {
		list := s.P[who]
		for j := range list {
			b := list[j]
			for i := range j {
				a := list[i]
				if a.Country == b.Country || b.T-a.T > travelWindow {
					continue
				}
				km := distanceKm(a.Lat, a.Lon, b.Lat, b.Lon)
				hours := float64(max(b.T-a.T, 60)) / 3600
				if km < travelMinKm || km/hours <= travelKmh {
					continue
				}
				e := b.Ev.event()
				hits = append(hits, detect.Hit{
					Event: e, Partition: b.Ev.Part, Refs: []detect.Ref{a.Ev.ref()},
					Description: fmt.Sprintf("%s signed in to the console from %s (%s) and %s later from %s (%s), %.0f km away: %.0f km/h.",
						caller(e), a.Ev.IP, a.Country, duration(b.T-a.T), b.Ev.IP, b.Country, km, km/hours),
					Info: map[string]string{"firstLoginIp": a.Ev.IP, "firstLoginCountry": a.Country, "firstLoginEventId": a.Ev.ID,
						"distanceKm": fmt.Sprintf("%.0f", km), "speedKmh": fmt.Sprintf("%.0f", km/hours)},
				})
			}
		}
		list = slices.DeleteFunc(list, func(x signIn) bool { return x.T < s.Max-travelWindow-travelLate })
		if len(list) == 0 {
			delete(s.P, who)
		} else {
			s.P[who] = slices.Clip(slices.Clone(list)) // no spare capacity between runs
		}
	}
	return hits
}

func duration(sec int64) string {
	if sec < 3600 {
		return fmt.Sprintf("%d minutes", sec/60)
	}
	return fmt.Sprintf("%.1f hours", float64(sec)/3600)
}

// distanceKm is the great-circle distance (haversine).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(min(1, h)))
}

// MarshalState implements detect.Stateful.
func (s *travel) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

// UnmarshalState implements detect.Stateful.
func (s *travel) UnmarshalState(b json.RawMessage) error {
	if err := json.Unmarshal(b, s); err != nil {
		return err
	}
	if s.P == nil {
		s.P = map[string][]signIn{}
	}
	return nil
}
