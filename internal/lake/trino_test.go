package lake

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// openTrinoDB opens an in-memory DuckDB set up as the engine sets up each
// connection: UTC, integer division, Trino macros. One connection only,
// because the macros are connection-local.
func openTrinoDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	for _, q := range append([]string{"SET TimeZone = 'UTC'", "SET integer_division = true"}, trinoMacros...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("exec %q: %v", q, err)
		}
	}
	return db
}

// trinoValue evaluates a Trino expression and returns it as DuckDB prints it
// as VARCHAR ("NULL" for NULL).
func trinoValue(t *testing.T, db *sql.DB, expr string) string {
	t.Helper()
	q := rewriteTrino("SELECT CAST((" + expr + ") AS VARCHAR)")
	var v sql.NullString
	if err := db.QueryRow(q).Scan(&v); err != nil {
		t.Fatalf("%s\nrewritten: %s\nerror: %v", expr, q, err)
	}
	if !v.Valid {
		return "NULL"
	}
	return v.String
}

func TestTrinoFunctions(t *testing.T) {
	db := openTrinoDB(t)
	for _, tc := range []struct{ expr, want string }{
		// JSON: json_extract_scalar gives text for scalars and NULL otherwise.
		{`json_extract_scalar('{"a":{"b":"x"}}', '$.a.b')`, "x"},
		{`json_extract_scalar('{"a":{"b":"x"}}', '$.a')`, "NULL"},
		{`json_extract_scalar('{"a":[1]}', '$.a')`, "NULL"},
		{`json_extract_scalar('{"a":null}', '$.a')`, "NULL"},
		{`json_extract_scalar('{"a":1}', '$.z')`, "NULL"},
		{`json_extract_scalar('{"a":true}', '$.a')`, "true"},
		{`json_extract_scalar('{"a":12}', '$.a')`, "12"},
		{`json_extract_scalar('{"a":"x\"y"}', '$.a')`, `x"y`},
		{`json_extract_scalar('{"a b":"x"}', '$["a b"]')`, "x"},
		{`json_extract_scalar('{"a":[{"b":"x"},{"b":"y"}]}', '$.a[1].b')`, "y"},
		{`json_extract_scalar('not json', '$.a')`, "NULL"},
		{`json_extract_scalar('{"userName":"alice"}', '$.username')`, "NULL"},
		{`json_extract_scalar(NULL, '$.a')`, "NULL"},
		{`json_extract_scalar('{"a":"{\"b\":1}"}', '$.a')`, `{"b":1}`},
		{`json_extract_scalar('"x"', '$')`, "x"},
		// json_extract gives JSON text.
		{`json_extract('{"a": {"b": [1, 2]}}', '$.a')`, `{"b":[1,2]}`},
		{`json_extract('{"a":"x"}', '$.a')`, `"x"`},
		{`json_extract('{"a":null}', '$.a')`, "null"},
		{`json_extract('{"a":1}', '$.z')`, "NULL"},
		{`json_extract('[10,20]', '$[1]')`, "20"},
		{`json_extract('not json', '$.a')`, "NULL"},
		{`typeof(json_extract('{"a":1}', '$.a'))`, "VARCHAR"},
		{`json_extract_scalar(json_extract('{"a":{"b":"x"}}', '$.a'), '$.b')`, "x"},
		{`json_format(json_parse('{"a" : [1, 2]}'))`, `{"a":[1,2]}`},
		{`json_array_length('[1,2,3]')`, "3"},
		{`json_array_length('{"a":1}')`, "NULL"},
		{`json_array_contains('[1,2,3]', 2)`, "true"},
		{`json_array_contains('["a","b"]', 'b')`, "true"},
		{`json_array_contains('["1"]', 1)`, "false"},
		{`json_array_contains('{"a":1}', 1)`, "NULL"},
		{`json_array_get('[1,2,3]', 0)`, "1"},
		{`json_array_get('[1,2,3]', -1)`, "3"},
		{`json_size('{"a":{"b":1,"c":2}}', '$.a')`, "2"},
		{`json_size('{"a":[1,2,3]}', '$.a')`, "3"},
		{`json_size('{"a":1}', '$.a')`, "0"},
		{`json_size('{"a":1}', '$.z')`, "NULL"},
		{`is_json_scalar('1')`, "true"},
		{`is_json_scalar('[1]')`, "false"},
		{`json_value('{"a":"x"}', 'lax $.a')`, "x"},
		{`json_query('{"a":[1]}', 'strict $.a')`, "[1]"},
		{`CAST(json_extract('{"a":["x","y"]}', '$.a') AS ARRAY(VARCHAR))`, "[x, y]"},
		{`CAST(json_parse('{"k":"v"}') AS MAP(VARCHAR, VARCHAR))`, "{k=v}"},
		{`cardinality(CAST(json_parse('[1,2]') AS ARRAY(INTEGER)))`, "2"},
		{`CAST(json_extract('{"r":{"a":1,"b":"x"}}', '$.r') AS ROW(a INTEGER, b VARCHAR)).b`, "x"},

		// Date and time. The session zone is UTC, as in Athena.
		{`to_iso8601(from_iso8601_timestamp('2020-10-23T10:00:00Z'))`, "2020-10-23T10:00:00.000Z"},
		{`to_iso8601(from_iso8601_timestamp('2020-10-23T10:00:00.123456Z'))`, "2020-10-23T10:00:00.123Z"},
		{`to_iso8601(from_iso8601_timestamp('2020-10-23T12:00:00+02:00'))`, "2020-10-23T10:00:00.000Z"},
		{`to_iso8601(from_iso8601_timestamp('2020-10-23T10:00Z'))`, "2020-10-23T10:00:00.000Z"},
		{`to_iso8601(from_iso8601_timestamp('2020-10-23'))`, "2020-10-23T00:00:00.000Z"},
		{`to_iso8601(from_iso8601_timestamp('2020-09-23T10:30:03.123Z') - interval '30' day)`, "2020-08-24T10:30:03.123Z"},
		{`to_iso8601(DATE '2020-10-23')`, "2020-10-23"},
		{`to_iso8601(TIMESTAMP '2020-10-23 10:00:00')`, "2020-10-23T10:00:00.000"},
		{`to_iso8601(TIMESTAMP '2020-01-01 02:00:00 +02:00')`, "2020-01-01T00:00:00.000Z"},
		{`typeof(TIMESTAMP '2020-01-01 00:00:00 UTC')`, "TIMESTAMP WITH TIME ZONE"},
		{`regexp_like(to_iso8601(now()), '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')`, "true"},
		{`from_iso8601_timestamp('2020-10-23T10:00:00Z') < from_iso8601_timestamp('2020-10-23T10:00:01Z')`, "true"},
		{`to_iso8601(from_iso8601_date('2020-10-23'))`, "2020-10-23"},
		{`date_format(from_iso8601_timestamp('2020-01-05T13:04:05.123Z'), '%Y-%m-%d %H:%i:%s')`, "2020-01-05 13:04:05"},
		{`date_format(TIMESTAMP '2020-01-05 13:04:05', '%a %b %e %c %W %M %T %p %h %j %y %% %q')`, "Sun Jan 5 1 Sunday January 13:04:05 PM 01 005 20 % q"},
		{`date_parse('2020-10-23 10:11:12', '%Y-%m-%d %H:%i:%s')`, "2020-10-23 10:11:12"},
		{`date_parse('23/Oct/2020:10:11:12', '%d/%b/%Y:%T')`, "2020-10-23 10:11:12"},
		{`date_parse('10/3/2020 9:05 PM', '%c/%e/%Y %l:%i %p')`, "2020-10-03 21:05:00"},
		{`format_datetime(TIMESTAMP '2020-01-05 13:04:05.123', 'yyyy-MM-dd''T''HH:mm:ss.SSS')`, "2020-01-05T13:04:05.123"},
		{`format_datetime(TIMESTAMP '2020-01-05 13:04:05', 'EEE, d MMM yyyy')`, "Sun, 5 Jan 2020"},
		{`to_iso8601(parse_datetime('2020-01-05 13:04', 'yyyy-MM-dd HH:mm'))`, "2020-01-05T13:04:00.000Z"},
		{`to_iso8601(from_unixtime(1600000000))`, "2020-09-13T12:26:40.000Z"},
		{`to_unixtime(from_unixtime(1600000000.1234))`, "1600000000.123"},
		{`to_unixtime(from_iso8601_timestamp('2020-09-13T12:26:40.123999Z'))`, "1600000000.123"},
		{`to_unixtime(from_iso8601_timestamp('2020-09-13T12:26:40.5Z'))`, "1600000000.5"},
		{`date_add('day', 3, TIMESTAMP '2020-01-01 10:00:00')`, "2020-01-04 10:00:00"},
		{`to_iso8601(date_add('hour', -1, from_iso8601_timestamp('2020-01-01T00:00:00Z')))`, "2019-12-31T23:00:00.000Z"},
		{`date_add(DATE '2020-01-01', interval 1 day)`, "2020-01-02 00:00:00"},
		{`date_diff('day', TIMESTAMP '2020-01-01 23:00:00', TIMESTAMP '2020-01-02 01:00:00')`, "0"},
		{`date_diff('hour', from_iso8601_timestamp('2020-01-01T00:00:00Z'), from_iso8601_timestamp('2020-01-01T05:30:00Z'))`, "5"},
		{`to_iso8601(date_trunc('hour', from_iso8601_timestamp('2020-01-01T05:30:00Z')))`, "2020-01-01T05:00:00.000Z"},
		{`day_of_week(DATE '2020-01-05')`, "7"},
		{`dow(DATE '2020-01-06')`, "1"},
		{`day_of_year(DATE '2020-02-01')`, "32"},
		{`millisecond(from_iso8601_timestamp('2020-01-01T00:00:05.123Z'))`, "123"},
		{`year(DATE '2020-02-01')`, "2020"},
		{`typeof(current_date - interval '1' day)`, "DATE"},
		{`DATE '2020-03-01' - interval '1' day`, "2020-02-29"},
		{`date('2020-03-01') + interval '1' month`, "2020-04-01"},
		{`to_iso8601(DATE '2020-03-01' - interval '1' day)`, "2020-02-29"},
		{`current_timezone()`, "UTC"},
		{`day_of_month(DATE '2020-02-03')`, "3"},
		{`week_of_year(DATE '2020-01-06')`, "2"},
		{`year_of_week(DATE '2021-01-01')`, "2020"},
		{`last_day_of_month(DATE '2020-02-03')`, "2020-02-29"},
		{`to_iso8601(from_unixtime_nanos(1600000000000000000))`, "2020-09-13T12:26:40.000Z"},
		{`extract(hour FROM from_iso8601_timestamp('2020-01-01T05:30:00Z'))`, "5"},

		// Aggregates.
		{`(SELECT approx_distinct(x) FROM (VALUES (1), (2), (2)) t(x))`, "2"},
		{`(SELECT array_agg(x ORDER BY x) FROM (VALUES (2), (1)) t(x))`, "[1, 2]"},
		{`(SELECT count_if(x > 1) FROM (VALUES (1), (2), (3)) t(x))`, "2"},
		{`(SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x DESC) FROM (VALUES ('a'), ('b')) t(x))`, "b,a"},
		{`(SELECT max_by(x, y) FROM (VALUES ('a', 1), ('b', 2)) t(x, y))`, "b"},
		{`(SELECT arbitrary(x) FROM (VALUES ('a')) t(x))`, "a"},
		{`(SELECT every(x > 0) FROM (VALUES (1), (2)) t(x))`, "true"},
		{`(SELECT cardinality(set_agg(x)) FROM (VALUES (1), (1), (2)) t(x))`, "2"},
		{`(SELECT approx_percentile(x, 0.5) FROM range(101) t(x))`, "50"},

		// Arrays and maps.
		{`element_at(ARRAY[1, 2, 3], 1)`, "1"},
		{`element_at(ARRAY[1, 2, 3], -1)`, "3"},
		{`element_at(ARRAY[1, 2, 3], 5)`, "NULL"},
		{`element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'b')`, "2"},
		{`element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'z')`, "NULL"},
		{`cardinality(ARRAY[1, 2, 3])`, "3"},
		{`cardinality(MAP(ARRAY['a'], ARRAY[1]))`, "1"},
		{`contains(ARRAY['a', 'b'], 'b')`, "true"},
		{`array_join(ARRAY['a', NULL, 'b'], ',')`, "a,b"},
		{`array_join(ARRAY['a', NULL], ',', 'x')`, "a,x"},
		{`array_distinct(ARRAY[3, 1, 3, 2])`, "[3, 1, 2]"},
		{`array_position(ARRAY['a', 'b'], 'b')`, "2"},
		{`array_position(ARRAY['a', 'b'], 'c')`, "0"},
		{`array_max(ARRAY[1, NULL, 3])`, "NULL"},
		{`array_max(ARRAY[1, 3])`, "3"},
		{`array_sort(ARRAY[3, NULL, 1])`, "[1, 3, NULL]"},
		{`array_remove(ARRAY[1, 2, 1], 1)`, "[2]"},
		{`array_union(ARRAY[1, 2], ARRAY[2, 3])`, "[1, 2, 3]"},
		{`array_except(ARRAY[1, 2, 3], ARRAY[2])`, "[1, 3]"},
		{`arrays_overlap(ARRAY[1, 2], ARRAY[2, 3])`, "true"},
		{`slice(ARRAY[1, 2, 3, 4], 2, 2)`, "[2, 3]"},
		{`slice(ARRAY[1, 2, 3, 4], -2, 2)`, "[3, 4]"},
		{`sequence(1, 3)`, "[1, 2, 3]"},
		{`sequence(1, 5, 2)`, "[1, 3, 5]"},
		{`cardinality(zip(ARRAY[1, 2], ARRAY['a', 'b']))`, "2"},
		{`array_min(ARRAY[2, 1])`, "1"},
		{`flatten(ARRAY[ARRAY[1], ARRAY[2]])`, "[1, 2]"},
		{`concat(ARRAY[1], ARRAY[2])`, "[1, 2]"},
		{`ARRAY[1, 2][2]`, "2"},
		{`map_keys(MAP(ARRAY['a'], ARRAY[1]))`, "[a]"},
		{`transform(ARRAY[1, 2], x -> x * 2)`, "[2, 4]"},
		{`filter(ARRAY[1, 2, 3], x -> x > 1)`, "[2, 3]"},
		{`reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10)`, "60"},
		{`any_match(ARRAY[1, 2], x -> x > 1)`, "true"},
		{`all_match(ARRAY[1, 2], x -> x > 1)`, "false"},
		{`none_match(ARRAY[1, 2], x -> x > 5)`, "true"},
		{`any_match(ARRAY[], x -> x > 1)`, "false"},
		{`all_match(ARRAY[], x -> x > 1)`, "true"},

		// Strings and regular expressions.
		{`split('a,b,c', ',')`, "[a, b, c]"},
		{`split('a,b,c', ',', 2)`, "[a, 'b,c']"},
		{`split_part('a,b', ',', 2)`, "b"},
		{`split_part('a,b', ',', 3)`, "NULL"},
		{`element_at(split_to_map('a=1&b=2', '&', '='), 'b')`, "2"},
		{`strpos('abc', 'c')`, "3"},
		{`strpos('abc', 'z')`, "0"},
		{`concat('a', 'b', 'c')`, "abc"},
		{`concat('a', NULL)`, "NULL"},
		{`'a' || 'b'`, "ab"},
		{`length('abc')`, "3"},
		{`substr('abcdef', 2, 3)`, "bcd"},
		{`lower('AbC') || upper('x')`, "abcX"},
		{`starts_with('AssumeRole', 'Assume')`, "true"},
		{`regexp_like('AssumeRole', '^Assume')`, "true"},
		{`regexp_like('GetObject', 'Put')`, "false"},
		{`regexp_extract('arn:aws:iam::123456789012:role/Admin', 'role/(.*)', 1)`, "Admin"},
		{`regexp_extract('abc', 'b.')`, "bc"},
		{`regexp_extract('abc', 'x')`, "NULL"},
		{`regexp_extract_all('a1b2', '\d')`, "[1, 2]"},
		{`regexp_replace('a1b2', '\d')`, "ab"},
		{`regexp_replace('a1b2', '(\d)', '<$1>')`, "a<1>b<2>"},
		{`regexp_replace('a1', '\d', '\$')`, "a$"},
		{`regexp_count('a1b2', '\d')`, "2"},
		{`regexp_replace('aXbX', 'x', '-', 'gi')`, "a-b-"},
		{`codepoint('A')`, "65"},
		{`levenshtein_distance('kitten', 'sitting')`, "3"},
		{`IF(1 > 0, 'y')`, "y"},
		{`IF(1 < 0, 'y')`, "NULL"},
		{`IF(1 < 0, 'y', 'n')`, "n"},
		{`try_cast('x' AS INTEGER)`, "NULL"},
		{`try(CAST('x' AS INTEGER))`, "NULL"},
		{`CAST('12' AS BIGINT) + 1`, "13"},
		{`5 / 2`, "2"},
		{`coalesce(NULL, 'a')`, "a"},
		{`nullif('a', 'a')`, "NULL"},
		{`is_nan(nan())`, "true"},
		{`is_infinite(infinity()) AND is_finite(1.0) AND rand() < 1`, "true"},
		{`truncate(1.7)`, "1"},
		{`from_utf8(to_utf8('é'))`, "é"},
		{`hamming_distance('abc', 'abd')`, "1"},
		{`regexp_split('a1b2c', '\d')`, "[a, b, c]"},
		{`json_exists('{"a":1}', 'lax $.a')`, "true"},
		{`json_extract_scalar('{"c":1e3,"d":1.50}', '$.c') || ' ' || json_extract_scalar('{"c":1e3,"d":1.50}', '$.d')`, "1000.0 1.5"},

		// IPv4 prefixes.
		{`contains('10.0.0.0/8', CAST('10.1.2.3' AS IPADDRESS))`, "true"},
		{`contains('10.0.0.0/8', CAST('11.1.2.3' AS IPADDRESS))`, "false"},
		{`contains(CAST('192.168.0.0/16' AS IPPREFIX), CAST('192.168.255.1' AS IPADDRESS))`, "true"},
		{`contains('0.0.0.0/0', CAST('1.2.3.4' AS IPADDRESS))`, "true"},
		{`contains('10.0.0.0/8', CAST('2001:db8::1' AS IPADDRESS))`, "false"},
		{`contains('10.0.0.0/8', IPADDRESS '10.0.0.1')`, "true"},
		{`contains(ARRAY['10.0.0.1'], '10.0.0.1')`, "true"},
		{`is_subnet_of(IPPREFIX '10.0.0.0/8', IPADDRESS '10.9.9.9')`, "true"},
		{`is_subnet_of('10.0.0.0/8', '10.1.0.0/16')`, "true"},
		{`is_subnet_of('10.1.0.0/16', '10.0.0.0/8')`, "false"},
		{`cidr_contains('172.16.0.0/12', '172.31.255.255')`, "true"},
		{`cidr_contains('172.16.0.0/12', '172.32.0.0')`, "false"},
		{`cidr_contains('10.0.0.0/8', '300.1.1.1')`, "false"},
		{`cidr_contains('10.0.0.0/8', 'cloudtrail.amazonaws.com')`, "false"},
		{`cidr_contains('not a prefix', '10.0.0.1')`, "NULL"},
		{`CAST('10.0.0.1' AS IPADDRESS)`, "10.0.0.1"},

		// UNNEST.
		{`(SELECT array_agg(v ORDER BY v) FROM (SELECT ARRAY[2, 1] a) t CROSS JOIN UNNEST(a) AS u(v))`, "[1, 2]"},
		{`(SELECT array_agg(v || CAST(n AS VARCHAR) ORDER BY n) FROM (SELECT ARRAY['a', 'b'] a) t CROSS JOIN UNNEST(a) WITH ORDINALITY AS u(v, n))`, "[a1, b2]"},
		{`(SELECT array_agg(CAST(n AS VARCHAR) || coalesce(w, '-') ORDER BY n) FROM (VALUES (ARRAY[1, 2, 3], ARRAY['x', 'y'])) t(a, b) CROSS JOIN UNNEST(a, b) AS u(n, w))`, "[1x, 2y, 3-]"},
		{`(SELECT array_agg(w || CAST(o AS VARCHAR) ORDER BY o) FROM (VALUES (ARRAY[1, 2], ARRAY['x', 'y'])) t(a, b) CROSS JOIN UNNEST(a, b) WITH ORDINALITY AS u(n, w, o))`, "[x1, y2]"},
		{`(SELECT array_agg(arn || CAST(o AS VARCHAR) ORDER BY o) FROM (SELECT ARRAY[CAST(ROW('a1', 't1') AS ROW(arn VARCHAR, type VARCHAR)), CAST(ROW('a2', 't2') AS ROW(arn VARCHAR, type VARCHAR))] r) t CROSS JOIN UNNEST(r) WITH ORDINALITY AS u(arn, type, o))`, "[a11, a22]"},
		{`(SELECT array_agg(arn || '/' || type ORDER BY arn) FROM (SELECT ARRAY[CAST(ROW('a1', '1', 't1') AS ROW(arn VARCHAR, accountid VARCHAR, type VARCHAR)), CAST(ROW('a2', '2', 't2') AS ROW(arn VARCHAR, accountid VARCHAR, type VARCHAR))] r) t CROSS JOIN UNNEST(r) AS u(arn, accountid, type))`, "[a1/t1, a2/t2]"},
	} {
		if got := trinoValue(t, db, tc.expr); got != tc.want {
			t.Errorf("%s = %q, want %q (rewritten: %s)", tc.expr, got, tc.want, rewriteTrino(tc.expr))
		}
	}
}

// TestTrinoBaselineSemantics checks the comparisons the baseline's saved
// queries and docs rely on, against the strings Trino would compare.
func TestTrinoBaselineSemantics(t *testing.T) {
	db := openTrinoDB(t)
	const ref = "2020-09-23T10:30:03.123Z"
	refTime, _ := time.Parse(time.RFC3339, ref)
	cutoff := refTime.AddDate(0, 0, -30)
	trinoISO := cutoff.Format("2006-01-02T15:04:05.000Z")             // to_iso8601(...)
	trinoVarchar := cutoff.Format("2006-01-02 15:04:05.000") + " UTC" // CAST(... AS varchar)
	if trinoISO != "2020-08-24T10:30:03.123Z" || trinoVarchar != "2020-08-24 10:30:03.123 UTC" {
		t.Fatalf("BUG: reference strings %q %q", trinoISO, trinoVarchar)
	}
	ts := "from_iso8601_timestamp('" + ref + "') - interval '30' day"

	// date > to_iso8601(...): lexicographic, the boundary day is excluded.
	for _, date := range []string{"2020-08-23", "2020-08-24", "2020-08-25", "2020-09-23"} {
		want := date > trinoISO
		if got := trinoValue(t, db, "'"+date+"' > to_iso8601("+ts+")"); got != boolString(want) {
			t.Errorf("date %s > to_iso8601: got %s, want %v", date, got, want)
		}
	}
	// eventtime > cast(... AS varchar): DuckDB prints '2020-08-24 10:30:03.123+00'
	// where Trino prints '2020-08-24 10:30:03.123 UTC'; both put a space at
	// position 10, so every CloudTrail eventtime compares the same way.
	if got := trinoValue(t, db, "CAST("+ts+" AS varchar)"); got[:19] != trinoVarchar[:19] {
		t.Errorf("CAST(timestamp AS varchar) = %q, want prefix of %q", got, trinoVarchar)
	}
	for _, et := range []string{
		"2020-08-23T23:59:59Z", "2020-08-24T00:00:00Z", "2020-08-24T10:30:03Z", "2020-08-24T23:59:59Z",
		"2020-08-25T00:00:00Z", "2020-09-23T10:30:03Z", "2019-12-31T00:00:00Z",
	} {
		want := et > trinoVarchar
		if got := trinoValue(t, db, "'"+et+"' > CAST("+ts+" AS varchar)"); got != boolString(want) {
			t.Errorf("eventtime %s > cast(... AS varchar): got %s, Trino %v", et, got, want)
		}
	}
	// date > '2019-07' selects July 2019 and later.
	for date, want := range map[string]bool{"2019-06-30": false, "2019-07-01": true, "2020-01-01": true} {
		if got := trinoValue(t, db, "'"+date+"' > '2019-07'"); got != boolString(want) {
			t.Errorf("%s > '2019-07': got %s, want %v", date, got, want)
		}
	}
	// current_date - interval stays a DATE, so it prints like a partition.
	// (Either side of midnight is accepted, should the test run across it.)
	before := time.Now().UTC().AddDate(0, 0, -7).Format("2006-01-02")
	got := trinoValue(t, db, "cast(current_date - interval '7' day AS varchar)")
	after := time.Now().UTC().AddDate(0, 0, -7).Format("2006-01-02")
	if got != before && got != after {
		t.Errorf("cast(current_date - interval '7' day AS varchar) = %q, want %q", got, before)
	}
	if ok := trinoValue(t, db, "'"+got+"' >= cast(current_date - interval '7' day AS varchar)"); ok != "true" {
		t.Errorf("date >= cast(current_date - interval ...) excluded the boundary day")
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestTrinoRewrite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT CAST(sourceipaddress AS IPADDRESS)", "SELECT (sourceipaddress)"},
		{"select * from t where contains('10.0.0.0/8', cast(ip as ipaddress))", "select * from t where cidr_contains('10.0.0.0/8', (ip))"},
		{"SELECT contains(CAST('10.0.0.0/8' AS IPPREFIX), IPADDRESS '10.0.0.1')", "SELECT cidr_contains(('10.0.0.0/8'), '10.0.0.1')"},
		{"SELECT CAST(x AS ARRAY(VARCHAR))", "SELECT CAST(CAST(x AS JSON) AS VARCHAR[])"},
		{"SELECT TRY_CAST(x AS ARRAY(ROW(a BIGINT)))", "SELECT TRY_CAST(TRY_CAST(x AS JSON) AS STRUCT(a BIGINT)[])"},
		{"SELECT CAST(json_parse(s) AS MAP(VARCHAR, BIGINT))", "SELECT CAST(CAST(json_parse(s) AS JSON) AS MAP(VARCHAR, BIGINT))"},
		{"SELECT CAST(x AS TIMESTAMP(3) WITH TIME ZONE)", "SELECT CAST(x AS TIMESTAMPTZ)"},
		{"SELECT CAST(x AS VARBINARY)", "SELECT CAST(x AS BLOB)"},
		{"SELECT date_parse(d, '%Y-%m-%d %H:%i:%s')", "SELECT strptime(d, '%Y-%m-%d %H:%M:%S')"},
		{"SELECT date_parse(d, 'it''s %T')", "SELECT strptime(d, 'it''s %H:%M:%S')"},
		{"SELECT parse_datetime(d, 'yyyy-MM-dd''T''HH:mm')", "SELECT CAST(strptime(d, '%Y-%m-%dT%H:%M') AS TIMESTAMPTZ)"},
		{"SELECT transform(a, x -> x + 1)", "SELECT list_transform(a, x -> x + 1)"},
		{"SELECT IF(a > 1, 'x')", "SELECT IF(a > 1, 'x', NULL)"},
		{"SELECT * FROM t CROSS JOIN UNNEST(a, b) AS u(x, y)", "SELECT * FROM t CROSS JOIN (SELECT UNNEST(trino_unnest.a1), UNNEST(trino_unnest.a2) FROM (SELECT a AS a1, b AS a2) trino_unnest) AS u(x, y)"},
		{"SELECT * FROM t CROSS JOIN UNNEST(resources) AS r(arn, accountid, type)", "SELECT * FROM t CROSS JOIN (SELECT UNNEST(trino_unnest.a1, recursive := true) FROM (SELECT resources AS a1) trino_unnest) AS r(arn, accountid, type)"},
		{"SELECT listagg(x, ', ') WITHIN GROUP (ORDER BY x) FROM t", "SELECT string_agg(x, ', ' ORDER BY x) FROM t"},
		{"WHERE date >= cast(current_date - interval '7' day as varchar)", "WHERE date >= cast(CAST((current_date - interval '7' day) AS DATE) as varchar)"},
		{"SELECT TIMESTAMP '2020-01-01 00:00:00 +02:00'", "SELECT TIMESTAMPTZ '2020-01-01 00:00:00+02:00'"},
		{"SELECT TIMESTAMP '2020-01-01 00:00:00 UTC'", "SELECT TIMESTAMPTZ '2020-01-01 00:00:00 UTC'"},
		{"SELECT regexp_replace(s, 'a', 'b', 'g')", "SELECT system.main.regexp_replace(s, 'a', 'b', 'g')"},
		{"SHOW PARTITIONS auditing.cloudtrail;", "SELECT DISTINCT 'account=' || account || '/region=' || region || '/date=' || date AS partition FROM auditing.cloudtrail ORDER BY 1"},
		// Nested rewrites.
		{"SELECT IF(contains('10.0.0.0/8', CAST(ip AS IPADDRESS)), 'in')", "SELECT IF(cidr_contains('10.0.0.0/8', (ip)), 'in', NULL)"},
	} {
		if got := rewriteTrino(tc.in); got != tc.want {
			t.Errorf("rewriteTrino(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// duckdbSQL is plain DuckDB SQL, including the words rewriteTrino looks for;
// rewriteTrino must return it unchanged.
var duckdbSQL = []string{
	"SELECT CAST(x AS VARCHAR), TRY_CAST(y AS INTEGER[]), CAST(z AS MAP(VARCHAR, INTEGER)), CAST(t AS TIMESTAMP(3))",
	"SELECT CAST(s AS STRUCT(a INTEGER)), x::VARCHAR FROM t WHERE date > '2020-01-01'",
	"SELECT contains('abc', 'b'), contains([1, 2], 1), if(a, b, c) FROM t",
	"SELECT unnest([1, 2]), unnest(x, recursive := true) FROM t",
	"SELECT * FROM t CROSS JOIN UNNEST(a) AS u(v)",
	"SELECT * FROM t, unnest(a) WITH ORDINALITY AS u(v, n)",
	"SELECT current_date, current_date - 1, DATE '2020-01-01' + INTERVAL 1 DAY, date_trunc('day', now())",
	"SELECT TIMESTAMP '2020-01-01 10:00:00', TIMESTAMP '2020-01-01'",
	"SELECT 'CAST(x AS IPADDRESS) contains(a, CAST(b AS IPADDRESS))' AS s -- CAST(x AS ARRAY(VARCHAR))",
	`SELECT "cast"(x), "date" FROM t /* IF(a, b) UNNEST(a, b) AS u(x, y) */`,
	"SELECT E'it\\'s CAST(x AS IPADDRESS)', $$CAST(x AS ARRAY(VARCHAR))$$, $tag$IF(a, b)$tag$",
	"SELECT list_transform(a, lambda x: x + 1), reduce([1, 2], lambda a, b: a + b)",
	"SELECT t.transform(1), s.contains('a', 'b'), t.date - interval '1' day",
	"SHOW TABLES",
	"SELECT json_extract(j, '$.a'), regexp_replace(s, 'a', 'b') FROM t",
	"SELECT 'unterminated",
	"SELECT CAST(( ",
}

func TestTrinoRewriteKeepsDuckDB(t *testing.T) {
	for _, q := range duckdbSQL {
		if got := rewriteTrino(q); got != q {
			t.Errorf("rewriteTrino changed DuckDB SQL\n  in: %q\n out: %q", q, got)
		}
	}
}

func TestTrinoMacrosCreate(t *testing.T) {
	db := openTrinoDB(t)
	// Running them twice must work: the engine may reuse a connection.
	for _, q := range trinoMacros {
		if _, err := db.Exec(q); err != nil {
			t.Errorf("re-exec %q: %v", q, err)
		}
	}
	// Date formats: the Go translation (date_parse) and the macro
	// (date_format) agree.
	for _, f := range []string{"%Y-%m-%d %H:%i:%s", "%a %b %e %c %W %M %T %p %h %j %y %% %q %", "100%", "%D/%f/%k/%l/%r/%x/%v"} {
		var got string
		if err := db.QueryRow("SELECT trino_fmt(?)", f).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := mysqlFormat(f); got != want {
			t.Errorf("trino_fmt(%q) = %q, mysqlFormat = %q", f, got, want)
		}
	}
	for _, f := range []string{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "EEE, d MMM yy h:m:s a", "EEEE MMMM D w 'it''s' ''", "yyyy%MM"} {
		var got string
		if err := db.QueryRow("SELECT trino_joda_fmt(?)", f).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := jodaFormat(f); got != want {
			t.Errorf("trino_joda_fmt(%q) = %q, jodaFormat = %q", f, got, want)
		}
	}
}

func FuzzRewriteTrino(f *testing.F) {
	for _, q := range duckdbSQL {
		f.Add(q)
	}
	for _, q := range []string{
		"select * from auditing.cloudtrail where date > to_iso8601(now() - interval '30' day) and useridentity.type = 'Root'",
		"SELECT contains('10.0.0.0/8', CAST(ip AS IPADDRESS)), CAST(j AS ARRAY(ROW(a VARCHAR)))",
		"SELECT * FROM t CROSS JOIN UNNEST(a, b) WITH ORDINALITY AS u(x, y, n)",
		"SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x), IF(a, b), date_parse(s, '%Y')",
		"SELECT current_date - interval '1' day - interval '1' month, DATE '2020-01-01' + interval '1' year",
		"SHOW PARTITIONS a.b",
		"SELECT cast(cast(cast(",
		"SELECT unnest(",
		"') \" -- /* $$",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		var b strings.Builder
		for _, tk := range tokenize(q) {
			b.WriteString(tk.text)
		}
		if b.String() != q {
			t.Fatalf("tokenize lost text: %q", q)
		}
		out := rewriteTrino(q)
		if !hasTrigger(tokenize(q)) && out != q {
			t.Fatalf("rewrote input without Trino constructs:\n in: %q\nout: %q", q, out)
		}
	})
}
