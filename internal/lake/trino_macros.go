package lake

// trinoMacros are executed on every new DuckDB connection of the engine.
// They are TEMP macros: connection-local, never persisted, and they shadow
// built-in functions of the same name. Names in a macro body are resolved
// when the macro is used, so a body calls a shadowed built-in as
// system.main.<name>, never by its bare name.
var trinoMacros = []string{
	// --- helpers (trino_ prefix) ---
	// Trino JSON paths allow $["key"] and $['key']; DuckDB wants $."key".
	`CREATE OR REPLACE TEMP MACRO trino_json_path(p) AS
		system.main.regexp_replace(system.main.regexp_replace(p, '\[\s*"([^"]*)"\s*\]', '."\1"', 'g'), '\[\s*''([^'']*)''\s*\]', '."\1"', 'g')`,
	// trino_json_scalar is Trino's json_extract_scalar: text for scalars, NULL
	// for objects, arrays, null, missing paths and malformed JSON. DuckDB's
	// json_value gives the scalar's JSON text (NULL otherwise) in one parse of
	// the document; json_extract_string then unquotes that small text.
	`CREATE OR REPLACE TEMP MACRO trino_json_scalar(j, p) AS
		try(json_extract_string(system.main.json_value(j, p), '$'))`,
	// trino_fmt translates a MySQL-style format (date_format, date_parse) into strftime's.
	`CREATE OR REPLACE TEMP MACRO trino_fmt(f) AS
		array_to_string(list_transform(regexp_extract_all(f, '(?s)%.|%|[^%]+'), lambda t:
			CASE WHEN t = '%' THEN '%%' WHEN t[1] <> '%' THEN t ELSE CASE t[2]
				WHEN 'a' THEN '%a' WHEN 'b' THEN '%b' WHEN 'c' THEN '%-m' WHEN 'D' THEN '%-d'
				WHEN 'd' THEN '%d' WHEN 'e' THEN '%-d' WHEN 'f' THEN '%f' WHEN 'H' THEN '%H'
				WHEN 'h' THEN '%I' WHEN 'I' THEN '%I' WHEN 'i' THEN '%M' WHEN 'j' THEN '%j'
				WHEN 'k' THEN '%-H' WHEN 'l' THEN '%-I' WHEN 'M' THEN '%B' WHEN 'm' THEN '%m'
				WHEN 'p' THEN '%p' WHEN 'r' THEN '%I:%M:%S %p' WHEN 'S' THEN '%S' WHEN 's' THEN '%S'
				WHEN 'T' THEN '%H:%M:%S' WHEN 'U' THEN '%U' WHEN 'u' THEN '%W' WHEN 'V' THEN '%U'
				WHEN 'v' THEN '%V' WHEN 'W' THEN '%A' WHEN 'w' THEN '%w' WHEN 'X' THEN '%Y'
				WHEN 'x' THEN '%G' WHEN 'Y' THEN '%Y' WHEN 'y' THEN '%y' WHEN '%' THEN '%%'
				ELSE t[2] END END), '')`,
	// trino_joda_fmt translates a Joda pattern (format_datetime, parse_datetime) into strftime's.
	`CREATE OR REPLACE TEMP MACRO trino_joda_fmt(f) AS
		array_to_string(list_transform(regexp_extract_all(f, '''''|''[^'']*''|y+|Y+|x+|M+|d+|D+|H+|h+|K+|k+|m+|s+|S+|E+|e+|a+|Z+|z+|G+|w+|[^a-zA-Z'']+|.'), lambda t:
			CASE
				WHEN t = '''''' THEN ''''
				WHEN t[1] = '''' THEN replace(t[2:-2], '%', '%%')
				WHEN t IN ('yy', 'YY', 'xx') THEN '%y'
				WHEN t[1] IN ('y', 'Y', 'x') THEN '%Y'
				WHEN t = 'M' THEN '%-m' WHEN t = 'MM' THEN '%m' WHEN t = 'MMM' THEN '%b' WHEN t[1] = 'M' THEN '%B'
				WHEN t = 'd' THEN '%-d' WHEN t[1] = 'd' THEN '%d'
				WHEN t[1] = 'D' THEN '%j'
				WHEN t = 'H' THEN '%-H' WHEN t[1] = 'H' THEN '%H'
				WHEN t = 'k' THEN '%-H' WHEN t[1] = 'k' THEN '%H'
				WHEN t = 'h' THEN '%-I' WHEN t[1] = 'h' THEN '%I'
				WHEN t = 'K' THEN '%-I' WHEN t[1] = 'K' THEN '%I'
				WHEN t = 'm' THEN '%-M' WHEN t[1] = 'm' THEN '%M'
				WHEN t = 's' THEN '%-S' WHEN t[1] = 's' THEN '%S'
				WHEN t[1] = 'S' AND length(t) <= 3 THEN '%g' WHEN t[1] = 'S' THEN '%f'
				WHEN t[1] = 'E' AND length(t) >= 4 THEN '%A' WHEN t[1] = 'E' THEN '%a'
				WHEN t[1] = 'e' THEN '%u'
				WHEN t[1] = 'a' THEN '%p'
				WHEN t[1] = 'Z' THEN '%z' WHEN t[1] = 'z' THEN '%Z'
				WHEN t[1] = 'w' THEN '%V'
				WHEN t[1] = 'G' THEN 'AD'
				ELSE replace(t, '%', '%%') END), '')`,
	// trino_repl translates a Trino regexp replacement ($1, \$) into RE2's (\1, $).
	`CREATE OR REPLACE TEMP MACRO trino_repl(r) AS
		array_to_string(list_transform(regexp_extract_all(r, '(?s)\\\$|\\\\|\$\d|\\|[^\\$]+|.'), lambda t:
			CASE WHEN t = '\$' THEN '$' WHEN t = '\\' THEN '\\' WHEN t = '\' THEN '\\'
				WHEN t[1] = '$' AND length(t) = 2 THEN '\' || t[2] ELSE t END), '')`,
	// trino_iso_norm completes ISO 8601 times without seconds (T10:00Z, T10Z) for DuckDB's parser.
	`CREATE OR REPLACE TEMP MACRO trino_iso_norm(s) AS
		system.main.regexp_replace(system.main.regexp_replace(s, '^(\s*\d{4}-\d\d-\d\d[T ]\d\d)([^:\d]|$)', '\1:00:00\2'), '^(\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d)([^:\d]|$)', '\1:00\2')`,
	// trino_ipv4 returns an IPv4 address as an integer, NULL if s is not one;
	// trino_ipv4_int does the arithmetic on its four octets.
	`CREATE OR REPLACE TEMP MACRO trino_ipv4_int(o) AS
		CASE WHEN CAST(o[1] AS BIGINT) <= 255 AND CAST(o[2] AS BIGINT) <= 255 AND CAST(o[3] AS BIGINT) <= 255 AND CAST(o[4] AS BIGINT) <= 255
		THEN (CAST(o[1] AS BIGINT) << 24) + (CAST(o[2] AS BIGINT) << 16) + (CAST(o[3] AS BIGINT) << 8) + CAST(o[4] AS BIGINT) END`,
	`CREATE OR REPLACE TEMP MACRO trino_ipv4(s) AS
		CASE WHEN regexp_full_match(s, '\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}') THEN trino_ipv4_int(string_split(s, '.')) END`,
	`CREATE OR REPLACE TEMP MACRO trino_cidr(net, bits, addr, abits) AS
		CASE WHEN net IS NULL OR bits IS NULL OR bits < 0 OR bits > 32 THEN NULL
			WHEN addr IS NULL OR abits < bits THEN false
			ELSE (addr >> (32 - bits)) = (net >> (32 - bits)) END`,

	// --- IP addresses (IPv4 only; see rewriteTrino for CAST(... AS IPADDRESS)) ---
	// cidr_contains(cidr, ip) is Trino's contains(CAST(cidr AS IPPREFIX), CAST(ip AS IPADDRESS)).
	// ip may itself be a prefix (is_subnet_of). Non-IPv4 addresses are not contained.
	`CREATE OR REPLACE TEMP MACRO cidr_contains(c, ip) AS
		CASE WHEN c IS NULL OR ip IS NULL THEN NULL ELSE trino_cidr(
			trino_ipv4(string_split(c, '/')[1]), TRY_CAST(string_split(c, '/')[2] AS INTEGER),
			trino_ipv4(string_split(ip, '/')[1]), coalesce(TRY_CAST(string_split(ip, '/')[2] AS INTEGER), 32)) END`,
	`CREATE OR REPLACE TEMP MACRO is_subnet_of(c, ip) AS cidr_contains(c, ip)`,

	// --- JSON: values are JSON text (VARCHAR), as Trino prints them ---
	`CREATE OR REPLACE TEMP MACRO json_extract_scalar(j, p) AS trino_json_scalar(j, trino_json_path(p))`,
	`CREATE OR REPLACE TEMP MACRO json_extract(j, p) AS
		CAST(try(system.main.json_extract(j, trino_json_path(p))) AS VARCHAR)`,
	`CREATE OR REPLACE TEMP MACRO json_parse(s) AS CAST(system.main.json_extract(s, '$') AS VARCHAR)`,
	`CREATE OR REPLACE TEMP MACRO json_format(j) AS CAST(j AS VARCHAR)`,
	`CREATE OR REPLACE TEMP MACRO is_json_scalar(j) AS json_type(j) NOT IN ('OBJECT', 'ARRAY')`,
	`CREATE OR REPLACE TEMP MACRO json_array_length(j) AS
		CASE WHEN try(json_type(j)) = 'ARRAY' THEN CAST(system.main.json_array_length(j) AS BIGINT) END,
		(j, p) AS system.main.json_array_length(j, p)`,
	`CREATE OR REPLACE TEMP MACRO json_array_get(j, i) AS
		CASE WHEN try(json_type(j)) = 'ARRAY' THEN CAST(system.main.json_extract(j,
			'$[' || CASE WHEN i < 0 THEN '#' || CAST(i AS VARCHAR) ELSE CAST(i AS VARCHAR) END || ']') AS VARCHAR) END`,
	`CREATE OR REPLACE TEMP MACRO json_array_contains(j, v) AS
		CASE WHEN try(json_type(j)) = 'ARRAY' THEN
			list_contains(CAST(system.main.json_extract(j, '$[*]') AS VARCHAR[]), CAST(to_json(v) AS VARCHAR)) END`,
	`CREATE OR REPLACE TEMP MACRO trino_json_size(e) AS
		CASE WHEN e IS NULL THEN NULL WHEN json_type(e) = 'ARRAY' THEN CAST(system.main.json_array_length(e) AS BIGINT)
			WHEN json_type(e) = 'OBJECT' THEN CAST(len(json_keys(e)) AS BIGINT) ELSE 0 END`,
	`CREATE OR REPLACE TEMP MACRO json_size(j, p) AS
		trino_json_size(try(system.main.json_extract(j, trino_json_path(p))))`,
	// SQL/JSON functions with Trino's 'lax'/'strict' path modes; no RETURNING/ON ERROR clauses.
	`CREATE OR REPLACE TEMP MACRO trino_sqljson_path(p) AS trino_json_path(system.main.regexp_replace(p, '^\s*(lax|strict)\s+', ''))`,
	`CREATE OR REPLACE TEMP MACRO json_value(j, p) AS trino_json_scalar(j, trino_sqljson_path(p))`,
	`CREATE OR REPLACE TEMP MACRO json_query(j, p) AS
		CAST(try(system.main.json_extract(j, trino_sqljson_path(p))) AS VARCHAR)`,
	`CREATE OR REPLACE TEMP MACRO json_exists(j, p) AS
		try(system.main.json_exists(j, trino_sqljson_path(p)))`,

	// --- date and time ---
	// trino_ms truncates a TIMESTAMPTZ to Trino's millisecond precision
	// (integer arithmetic: date_trunc on TIMESTAMPTZ is several times slower).
	`CREATE OR REPLACE TEMP MACRO trino_ms(t) AS make_timestamptz(epoch_us(t) // 1000 * 1000)`,
	// The common forms parse with a plain cast; the rest are completed first.
	`CREATE OR REPLACE TEMP MACRO from_iso8601_timestamp_nanos(s) AS
		coalesce(TRY_CAST(s AS TIMESTAMPTZ), CAST(trino_iso_norm(s) AS TIMESTAMPTZ))`,
	`CREATE OR REPLACE TEMP MACRO from_iso8601_timestamp(s) AS trino_ms(from_iso8601_timestamp_nanos(s))`,
	`CREATE OR REPLACE TEMP MACRO from_iso8601_date(s) AS CAST(s AS DATE)`,
	// to_iso8601 prints what Athena prints: UTC with milliseconds and Z for a
	// timestamp with time zone, no zone for a timestamp, the day for a date.
	`CREATE OR REPLACE TEMP MACRO to_iso8601(x) AS
		CASE typeof(x)
			WHEN 'DATE' THEN strftime(CAST(x AS DATE), '%Y-%m-%d')
			WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(timezone('UTC', CAST(x AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%S.%gZ')
			ELSE strftime(CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g') END`,
	`CREATE OR REPLACE TEMP MACRO date_format(x, f) AS strftime(x, trino_fmt(f))`,
	`CREATE OR REPLACE TEMP MACRO format_datetime(x, f) AS strftime(x, trino_joda_fmt(f))`,
	// Trino rounds to milliseconds; the zone arguments only change how Trino prints.
	`CREATE OR REPLACE TEMP MACRO trino_unixtime(n) AS make_timestamptz(CAST(round(CAST(n AS DOUBLE) * 1000) AS BIGINT) * 1000)`,
	`CREATE OR REPLACE TEMP MACRO from_unixtime(n) AS trino_unixtime(n), (n, z) AS trino_unixtime(n), (n, h, m) AS trino_unixtime(n)`,
	`CREATE OR REPLACE TEMP MACRO from_unixtime_nanos(n) AS to_timestamp(CAST(n AS DOUBLE) / 1e9)`,
	`CREATE OR REPLACE TEMP MACRO to_unixtime(x) AS epoch(x)`,
	`CREATE OR REPLACE TEMP MACRO current_timezone() AS current_setting('TimeZone')`,
	`CREATE OR REPLACE TEMP MACRO trino_interval(u, n) AS
		CASE lower(u)
			WHEN 'millisecond' THEN to_milliseconds(CAST(n AS DOUBLE)) WHEN 'second' THEN to_seconds(CAST(n AS DOUBLE))
			WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT)) WHEN 'hour' THEN to_hours(CAST(n AS BIGINT))
			WHEN 'day' THEN to_days(CAST(n AS INTEGER)) WHEN 'week' THEN to_weeks(CAST(n AS INTEGER))
			WHEN 'month' THEN to_months(CAST(n AS INTEGER)) WHEN 'quarter' THEN to_months(CAST(3 * n AS INTEGER))
			WHEN 'year' THEN to_years(CAST(n AS INTEGER)) END`,
	// date_add(unit, n, x) is Trino's; date_add(x, interval) stays DuckDB's.
	`CREATE OR REPLACE TEMP MACRO date_add(a, b) AS a + b, (u, n, x) AS x + trino_interval(u, n)`,
	// Trino counts whole units elapsed (DuckDB's date_sub), not boundaries crossed (DuckDB's date_diff).
	`CREATE OR REPLACE TEMP MACRO date_diff(u, a, b) AS date_sub(u, a, b)`,
	`CREATE OR REPLACE TEMP MACRO day_of_week(x) AS isodow(x)`,
	`CREATE OR REPLACE TEMP MACRO dow(x) AS isodow(x)`,
	`CREATE OR REPLACE TEMP MACRO day_of_month(x) AS dayofmonth(x)`,
	`CREATE OR REPLACE TEMP MACRO day_of_year(x) AS dayofyear(x)`,
	`CREATE OR REPLACE TEMP MACRO week_of_year(x) AS week(x)`,
	`CREATE OR REPLACE TEMP MACRO year_of_week(x) AS isoyear(x)`,
	`CREATE OR REPLACE TEMP MACRO yow(x) AS isoyear(x)`,
	`CREATE OR REPLACE TEMP MACRO millisecond(x) AS system.main.millisecond(x) % 1000`,
	`CREATE OR REPLACE TEMP MACRO last_day_of_month(x) AS last_day(x)`,

	// --- aggregates ---
	`CREATE OR REPLACE TEMP MACRO approx_distinct(x) AS approx_count_distinct(x), (x, e) AS approx_count_distinct(x)`,
	`CREATE OR REPLACE TEMP MACRO approx_percentile(x, p) AS approx_quantile(x, p)`,
	`CREATE OR REPLACE TEMP MACRO every(x) AS bool_and(x)`,
	`CREATE OR REPLACE TEMP MACRO set_agg(x) AS list(DISTINCT x)`,

	// --- arrays and maps ---
	`CREATE OR REPLACE TEMP MACRO element_at(x, k) AS x[k]`,
	// cardinality works on lists and maps; DuckDB's only on maps.
	`CREATE OR REPLACE TEMP MACRO cardinality(x) AS CAST(
		CASE json_type(to_json(x)) WHEN 'ARRAY' THEN system.main.json_array_length(to_json(x))
			WHEN 'OBJECT' THEN len(json_keys(to_json(x))) END AS BIGINT)`,
	`CREATE OR REPLACE TEMP MACRO array_join(a, s) AS array_to_string(a, s),
		(a, s, r) AS array_to_string(list_transform(a, lambda e: coalesce(CAST(e AS VARCHAR), r)), s)`,
	`CREATE OR REPLACE TEMP MACRO array_max(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_max(a) END`,
	`CREATE OR REPLACE TEMP MACRO array_min(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_min(a) END`,
	// Trino keeps the first occurrence's order (and one NULL); DuckDB's list_distinct does not.
	`CREATE OR REPLACE TEMP MACRO array_distinct(a) AS list_filter(a, lambda e, i: list_position(a, e) = i)`,
	`CREATE OR REPLACE TEMP MACRO array_position(a, x) AS CAST(coalesce(list_position(a, x), 0) AS BIGINT)`,
	`CREATE OR REPLACE TEMP MACRO array_remove(a, x) AS list_filter(a, lambda e: e IS DISTINCT FROM x)`,
	`CREATE OR REPLACE TEMP MACRO array_union(a, b) AS array_distinct(list_concat(a, b))`,
	`CREATE OR REPLACE TEMP MACRO array_except(a, b) AS array_distinct(list_filter(a, lambda e: list_position(b, e) IS NULL))`,
	`CREATE OR REPLACE TEMP MACRO arrays_overlap(a, b) AS list_has_any(a, b)`,
	`CREATE OR REPLACE TEMP MACRO slice(a, s, n) AS
		CASE WHEN s > 0 THEN list_slice(a, s, s + n - 1) ELSE list_slice(a, len(a) + s + 1, len(a) + s + n) END`,
	`CREATE OR REPLACE TEMP MACRO sequence(a, b) AS generate_series(a, b), (a, b, s) AS generate_series(a, b, s)`,
	`CREATE OR REPLACE TEMP MACRO zip(a, b) AS list_zip(a, b), (a, b, c) AS list_zip(a, b, c)`,
	// concat is NULL if any argument is NULL, and concatenates arrays too.
	`CREATE OR REPLACE TEMP MACRO concat(a) AS a, (a, b) AS a || b, (a, b, c) AS a || b || c,
		(a, b, c, d) AS a || b || c || d, (a, b, c, d, e) AS a || b || c || d || e,
		(a, b, c, d, e, f) AS a || b || c || d || e || f, (a, b, c, d, e, f, g) AS a || b || c || d || e || f || g,
		(a, b, c, d, e, f, g, h) AS a || b || c || d || e || f || g || h`,

	// --- strings and regular expressions ---
	`CREATE OR REPLACE TEMP MACRO split(s, d) AS string_split(s, d),
		(s, d, n) AS CASE WHEN len(string_split(s, d)) <= n THEN string_split(s, d)
			ELSE list_concat(list_slice(string_split(s, d), 1, n - 1),
				[array_to_string(list_slice(string_split(s, d), n, len(string_split(s, d))), d)]) END`,
	// Trino returns NULL past the last field; DuckDB returns ''.
	`CREATE OR REPLACE TEMP MACRO split_part(s, d, i) AS
		CASE WHEN i > len(string_split(s, d)) THEN NULL ELSE system.main.split_part(s, d, i) END`,
	`CREATE OR REPLACE TEMP MACRO split_to_map(s, e, k) AS
		map_from_entries(list_transform(string_split(s, e), lambda x:
			{'key': system.main.split_part(x, k, 1), 'value': substr(x, strpos(x, k) + length(k))}))`,
	`CREATE OR REPLACE TEMP MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
	`CREATE OR REPLACE TEMP MACRO regexp_extract(s, p) AS
		CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p) END,
		(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p, g) END,
		(s, p, g, o) AS system.main.regexp_extract(s, p, g, o)`,
	// Trino replaces every match and writes groups as $1. DuckDB's form with
	// options (a constant) is qualified to the built-in by rewriteTrino.
	`CREATE OR REPLACE TEMP MACRO regexp_replace(s, p) AS system.main.regexp_replace(s, p, '', 'g'),
		(s, p, r) AS system.main.regexp_replace(s, p, trino_repl(r), 'g')`,
	`CREATE OR REPLACE TEMP MACRO regexp_count(s, p) AS CAST(len(regexp_extract_all(s, p)) AS BIGINT)`,
	`CREATE OR REPLACE TEMP MACRO regexp_split(s, p) AS regexp_split_to_array(s, p)`,
	`CREATE OR REPLACE TEMP MACRO codepoint(c) AS unicode(c)`,
	`CREATE OR REPLACE TEMP MACRO levenshtein_distance(a, b) AS levenshtein(a, b)`,
	`CREATE OR REPLACE TEMP MACRO hamming_distance(a, b) AS hamming(a, b)`,
	`CREATE OR REPLACE TEMP MACRO to_utf8(s) AS encode(s)`,
	`CREATE OR REPLACE TEMP MACRO from_utf8(b) AS decode(b)`,

	// --- math ---
	`CREATE OR REPLACE TEMP MACRO is_nan(x) AS isnan(x)`,
	`CREATE OR REPLACE TEMP MACRO is_finite(x) AS isfinite(x)`,
	`CREATE OR REPLACE TEMP MACRO is_infinite(x) AS isinf(x)`,
	`CREATE OR REPLACE TEMP MACRO nan() AS CAST('NaN' AS DOUBLE)`,
	`CREATE OR REPLACE TEMP MACRO infinity() AS CAST('Infinity' AS DOUBLE)`,
	`CREATE OR REPLACE TEMP MACRO rand() AS random()`,
	`CREATE OR REPLACE TEMP MACRO truncate(x) AS trunc(x)`,
}
