package flowlogs

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// MaxLineBytes bounds one line held in memory. A longer line is skipped and
// reported as a record error; the rest of the input still streams.
const MaxLineBytes = 1 << 20

// bufSize is the read buffer's size. Lines are far shorter (about 100
// bytes in the default format, a few hundred with ECS ARNs); a longer one
// is assembled in Reader.long.
const bufSize = 64 << 10

// maxSpans is the most tokens a line is split into: a format has at most
// vigil.NumFlowFields fields (no duplicates), plus a CloudWatch Logs
// timestamp, plus one to notice that there are too many.
const maxSpans = int(vigil.NumFlowFields) + 2

var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLineBytes)

// Reader streams flow log records out of one text input, line by line, in
// constant memory.
//
// The field order comes from the input's header line when it has one (S3
// delivers files with a header such as "version account-id interface-id
// ..."); a header met later, as in concatenated files, replaces it. Without
// a header the format given to NewReader applies, else the default format.
// Fields are separated by spaces (runs of spaces and tabs are accepted);
// '-' is a field that does not apply and reads as not present (NULL). A
// leading ISO-8601 timestamp, as in CloudWatch Logs exports, is skipped.
// Blank lines are skipped.
type Reader struct {
	br      *bufio.Reader
	long    []byte // a line longer than br's buffer, assembled
	format  []vigil.FlowField
	line    int  // lines read so far; the current record's line after Next
	started bool // the first non-blank line was seen
	err     error
	spans   [maxSpans]span // the current line's fields, kept here to save zeroing them per line
}

// NewReader returns a Reader over r for records in format (nil: the
// default format, unless the input has a header). The caller decompresses.
// An invalid format (a field out of range or given twice) is reported by
// the first call to Next.
func NewReader(r io.Reader, format []vigil.FlowField) *Reader {
	rd := &Reader{br: bufio.NewReaderSize(r, bufSize), format: defaultFormat}
	if len(format) > 0 {
		var seen uint64
		for _, f := range format {
			if f >= vigil.NumFlowFields || seen&(1<<f) != 0 {
				rd.err = fmt.Errorf("flowlogs: invalid format: field %d out of range or repeated", f)
				break
			}
			seen |= 1 << f
		}
		rd.format = append([]vigil.FlowField(nil), format...)
	}
	return rd
}

// Format returns the format in effect: the last header's, else the one
// given to NewReader, else the default. The caller must not modify it.
func (r *Reader) Format() []vigil.FlowField { return r.format }

// Position describes where the reader is, for error messages: "line 7",
// the line of the record last returned or reported.
func (r *Reader) Position() string { return fmt.Sprintf("line %d", r.line) }

// Next parses the next record into rec, overwriting it. Text fields of rec
// share one string per line, which stays valid after later calls.
//
// Next returns io.EOF at the end of the input; an error wrapping
// vigil.ErrMalformedRecord for one bad line ("line 12: malformed record:
// ...": call Next again to go on with the next line; rec is then
// undefined); and an error wrapping vigil.ErrMalformedInput when the input
// cannot be read further (an unknown field in a header, reported as an
// *UnknownFieldError; gzip, Parquet or JSON input; a read error). After a
// non-record error every later call returns the same error.
func (r *Reader) Next(rec *vigil.FlowRecord) error {
	if r.err != nil {
		return r.err
	}
	if !r.started {
		if err := r.sniff(); err != nil {
			r.err = err
			return err
		}
	}
	for {
		line, err := r.readLine()
		switch {
		case err == io.EOF:
			r.err = io.EOF
			return io.EOF
		case err == errLineTooLong && r.started:
			return fmt.Errorf("line %d: %w: %w, skipped", r.line, vigil.ErrMalformedRecord, err)
		case err != nil:
			r.err = fmt.Errorf("%w: line %d: %w", vigil.ErrMalformedInput, r.line, err)
			return r.err
		}
		line = trimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !r.started {
			r.started = true
			if err := r.checkFirst(line); err != nil {
				r.err = err
				return err
			}
		}
		if c := line[0]; c >= 'a' && c <= 'z' && isHeader(line) {
			if err := r.header(line); err != nil {
				r.err = err
				return err
			}
			continue
		}
		return r.parse(line, rec)
	}
}

// sniff rejects, before any line is read, inputs that are not text: gzip
// (the caller decompresses) and Parquet (ReadParquet reads those). It
// skips a UTF-8 byte-order mark.
func (r *Reader) sniff() error {
	b, _ := r.br.Peek(4)
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return fmt.Errorf("%w: gzip-compressed input: decompress it first", vigil.ErrMalformedInput)
	case bytes.HasPrefix(b, []byte("PAR1")):
		return fmt.Errorf("%w: Parquet input: read it with ReadParquet", vigil.ErrMalformedInput)
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		r.br.Discard(3)
	}
	return nil
}

// checkFirst rejects an input whose first line cannot begin a flow log.
func (r *Reader) checkFirst(line []byte) error {
	switch {
	case line[0] == '{' || line[0] == '[':
		return fmt.Errorf("%w: line %d: JSON, not flow log text (CloudWatch Logs subscription messages are not supported)", vigil.ErrMalformedInput, r.line)
	case bytes.IndexByte(line, 0) >= 0 || !utf8.Valid(line):
		return fmt.Errorf("%w: line %d: binary data, not flow log text", vigil.ErrMalformedInput, r.line)
	}
	return nil
}

// header sets the format from a header line.
func (r *Reader) header(line []byte) error {
	format, err := ParseFormat(string(line))
	if err != nil {
		if ue, ok := errors.AsType[*UnknownFieldError](err); ok {
			ue.Line = r.line
			return fmt.Errorf("%w: %w", vigil.ErrMalformedInput, err)
		}
		return fmt.Errorf("%w: line %d: header: %w", vigil.ErrMalformedInput, r.line, err)
	}
	r.format = format
	return nil
}

type span struct{ start, end int }

// parse parses one record line. It allocates one string, the line's, and
// slices the text fields from it.
func (r *Reader) parse(line []byte, rec *vigil.FlowRecord) error {
	format := r.format
	s := string(line)
	sp := &r.spans
	n := 0
	if bytes.IndexByte(line, '\t') < 0 {
		// Fast path: only spaces separate fields (as AWS writes them).
		for i := 0; i < len(line); {
			if line[i] == ' ' {
				i++
				continue
			}
			j := nextSpace(line, i+1)
			if n == maxSpans {
				return r.tooMany()
			}
			sp[n] = span{i, j}
			n++
			i = j
		}
	} else {
		for i := 0; i < len(s); {
			if c := s[i]; c == ' ' || c == '\t' {
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			if n == maxSpans {
				return r.tooMany()
			}
			sp[n] = span{i, j}
			n++
			i = j
		}
	}
	first := 0
	if n > 0 && (n == len(format)+1 || numeric[format[0]]) && isTimestamp(s[sp[0].start:sp[0].end]) {
		first = 1 // CloudWatch Logs export: "<timestamp> <record>"
	}
	if n-first != len(format) {
		return fmt.Errorf("line %d: %w: %d fields, format has %d", r.line, vigil.ErrMalformedRecord, n-first, len(format))
	}
	rec.Reset()
	for k, f := range format {
		t := sp[first+k]
		v := s[t.start:t.end]
		if v == "-" {
			continue
		}
		if numeric[f] {
			x, ok := parseInt(v)
			if !ok {
				return fmt.Errorf("line %d: %w: %s: not a number: %q", r.line, vigil.ErrMalformedRecord, vigil.FlowFieldNames[f], clip(v))
			}
			rec.Int[f] = x
		} else {
			rec.Str[f] = v
		}
		rec.Present |= 1 << f
	}
	return nil
}

// nextSpace returns the index of the first space in b at or after i, or
// len(b). It tests eight bytes at a time: fields are short (nine bytes on
// average), too short for a call to the vectorised bytes.IndexByte to pay.
func nextSpace(b []byte, i int) int {
	const (
		ones   = 0x0101010101010101
		highs  = 0x8080808080808080
		spaces = 0x2020202020202020
	)
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ spaces // zero bytes where b has spaces
		if t := (x - ones) &^ x & highs; t != 0 {
			return i + bits.TrailingZeros64(t)>>3 // the lowest flag is exact
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ' ' {
			return i
		}
	}
	return len(b)
}

func (r *Reader) tooMany() error {
	return fmt.Errorf("line %d: %w: more than %d fields, format has %d", r.line, vigil.ErrMalformedRecord, maxSpans-1, len(r.format))
}

// readLine returns the next line, newline included; the slice is valid
// until the next read.
func (r *Reader) readLine() ([]byte, error) {
	r.line++
	line, err := r.br.ReadSlice('\n')
	switch err {
	case nil:
		return line, nil
	case io.EOF:
		if len(line) == 0 {
			r.line--
			return nil, io.EOF
		}
		return line, nil
	case bufio.ErrBufferFull:
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			if len(r.long) <= MaxLineBytes {
				r.long = append(r.long, line...)
			}
		}
		switch {
		case err != nil && err != io.EOF:
			return nil, err
		case len(r.long) > MaxLineBytes:
			if cap(r.long) > 4*bufSize {
				r.long = nil // do not keep a huge buffer for one odd line
			}
			return nil, errLineTooLong
		}
		return r.long, nil
	default:
		return nil, err
	}
}

// isHeader reports whether a line names fields rather than holding values:
// every token is a lower-case word ([a-z][a-z0-9_-]*) and at least one is a
// known field name. Values are never all such words: numbers, addresses,
// IDs with digits first, '-', and upper-case ACCEPT, OK or IPv4 break the
// pattern, and a custom format made only of word-valued fields (region,
// az-id, flow-direction, ...) has no value that is also a field name.
func isHeader(line []byte) bool {
	known := false
	for i := 0; i < len(line); {
		c := line[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c < 'a' || c > 'z' {
			return false
		}
		j := i + 1
		for ; j < len(line) && line[j] != ' ' && line[j] != '\t'; j++ {
			if c := line[j]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
		if !known {
			_, known = fieldsByName[string(line[i:j])]
		}
		i = j
	}
	return known
}

// isTimestamp reports whether s looks like an ISO-8601 date-time,
// "2020-10-23T10:00:00.000Z" or with an offset, as CloudWatch Logs exports
// put before each message.
func isTimestamp(s string) bool {
	if len(s) < 19 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 4 || i == 7:
			if c != '-' {
				return false
			}
		case i == 10:
			if c != 'T' && c != 't' {
				return false
			}
		case i == 13 || i == 16:
			if c != ':' {
				return false
			}
		case i < 19:
			if c < '0' || c > '9' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c == '.' || c == ':' || c == '+' || c == '-' || c == 'Z' || c == 'z') {
				return false
			}
		}
	}
	return true
}

// parseInt parses a decimal integer without allocating.
func parseInt(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 19 {
		return 0, false
	}
	var n uint64 // 19 digits always fit
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 {
		if c := b[len(b)-1]; c == '\n' || c == '\r' || c == ' ' || c == '\t' {
			b = b[:len(b)-1]
			continue
		}
		break
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
