package cloudtrail

// centroids are approximate geographic centres (latitude, longitude) of
// the countries most sign-ins come from, for GeoIP databases without
// coordinates (GeoLite2-Country). A country not listed gives no position,
// and impossible travel is not judged for it.
var centroids = map[string][2]float64{
	"AE": {23.4, 53.8}, "AR": {-38.4, -63.6}, "AT": {47.5, 14.6}, "AU": {-25.3, 133.8}, "BE": {50.5, 4.5},
	"BG": {42.7, 25.5}, "BR": {-14.2, -51.9}, "BY": {53.7, 27.9}, "CA": {56.1, -106.3}, "CH": {46.8, 8.2},
	"CL": {-35.7, -71.5}, "CN": {35.9, 104.2}, "CO": {4.6, -74.3}, "CZ": {49.8, 15.5}, "DE": {51.2, 10.5},
	"DK": {56.3, 9.5}, "EE": {58.6, 25.0}, "EG": {26.8, 30.8}, "ES": {40.5, -3.7}, "FI": {61.9, 25.7},
	"FR": {46.2, 2.2}, "GB": {55.4, -3.4}, "GR": {39.1, 21.8}, "HK": {22.3, 114.2}, "HU": {47.2, 19.5},
	"ID": {-0.8, 113.9}, "IE": {53.4, -8.2}, "IL": {31.0, 34.9}, "IN": {20.6, 79.0}, "IR": {32.4, 53.7},
	"IT": {41.9, 12.6}, "JP": {36.2, 138.3}, "KE": {0.0, 37.9}, "KP": {40.3, 127.5}, "KR": {35.9, 127.8},
	"KZ": {48.0, 66.9}, "LT": {55.2, 23.9}, "LU": {49.8, 6.1}, "LV": {56.9, 24.6}, "MA": {31.8, -7.1},
	"MX": {23.6, -102.6}, "MY": {4.2, 101.98}, "NG": {9.1, 8.7}, "NL": {52.1, 5.3}, "NO": {60.5, 8.5},
	"NZ": {-40.9, 174.9}, "PE": {-9.2, -75.0}, "PH": {12.9, 121.8}, "PK": {30.4, 69.3}, "PL": {51.9, 19.1},
	"PT": {39.4, -8.2}, "RO": {45.9, 25.0}, "RS": {44.0, 21.0}, "RU": {61.5, 105.3}, "SA": {23.9, 45.1},
	"SE": {60.1, 18.6}, "SG": {1.35, 103.8}, "SK": {48.7, 19.7}, "TH": {15.9, 101.0}, "TR": {39.0, 35.2},
	"TW": {23.7, 121.0}, "UA": {48.4, 31.2}, "US": {37.1, -95.7}, "VN": {14.1, 108.3}, "ZA": {-30.6, 22.9},
}

// centroid returns the position of a country (ISO 3166-1 alpha-2).
func centroid(cc string) (lat, lon float64, ok bool) {
	c, ok := centroids[cc]
	return c[0], c[1], ok
}
