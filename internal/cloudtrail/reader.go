package cloudtrail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// ErrDigest is returned by Reader.Next when the input is a CloudTrail digest
// file (CloudTrail-Digest): not an error, but nothing to ingest.
var ErrDigest = errors.New("CloudTrail digest file")

// MaxRecordBytes bounds the size of one record held in memory. Larger
// records are skipped and reported; the rest of the input still streams.
const MaxRecordBytes = 128 << 20

type arrayKind int

const (
	arrRecords   arrayKind = iota + 1 // {"Records":[...]} as delivered to S3
	arrBare                           // [ {...}, ... ]
	arrLogEvents                      // CloudWatch Logs subscription message {"logEvents":[{"message":"..."}]}
)

// Reader streams CloudTrail records out of one input, in constant memory
// whatever the input's size. It understands:
//   - S3-delivered files: {"Records":[...]} (and Insight files of the same shape);
//   - a bare JSON array of records;
//   - JSON lines: one record per line, or several pretty-printed records in a row;
//   - CloudWatch Logs exports: "<timestamp> <record>" per line;
//   - CloudWatch Logs subscription messages (as delivered by Firehose):
//     {"messageType":"DATA_MESSAGE",...,"logEvents":[{"message":"<record>"}]},
//     several in a row; CONTROL_MESSAGEs are skipped;
//   - digest files, reported with ErrDigest.
//
// A leading UTF-8 byte-order mark is skipped. Input that starts as none of
// these is reported as ErrMalformedInput.
type Reader struct {
	br       *bufio.Reader
	buf      []byte // the current value's bytes
	obj      []byte // members of a top-level object read so far
	array    arrayKind
	inObject bool // the streamed array sits inside a top-level object
	lines    bool // JSON-lines / CloudWatch export mode: one record per line
	control  bool // the current top-level object is a CloudWatch Logs CONTROL_MESSAGE
	line     int  // current line, 1-based
	recLine  int  // line the current record started on, in lines mode
	rec      int  // records seen so far
	err      error
}

// errSkip tells next that a top-level object held nothing to decode.
var errSkip = errors.New("skip")

// NewReader returns a Reader over r. The caller decompresses.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 1<<20), line: 1}
}

// Position describes where the reader is, for error messages: "record 12"
// or "line 7".
func (r *Reader) Position() string {
	if r.lines {
		return fmt.Sprintf("line %d", r.recLine)
	}
	return fmt.Sprintf("record %d", r.rec)
}

// Next decodes the next record into e. It returns io.EOF at the end of the
// input; an error wrapping vigil.ErrMalformedRecord for one bad record
// (call Next again to go on); ErrDigest for a digest file; and an error
// wrapping vigil.ErrMalformedInput when the input cannot be read further.
// After a non-record error every later call returns the same error.
func (r *Reader) Next(e *vigil.Event) error {
	if r.err != nil {
		return r.err
	}
	err := r.next(e)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, vigil.ErrMalformedInput):
		// Checked before ErrMalformedRecord: an input error may wrap a
		// record error (a value too large in a top-level object) and must
		// stay sticky.
		r.err = err
	case errors.Is(err, vigil.ErrMalformedRecord):
		return err
	case err == io.EOF, errors.Is(err, ErrDigest):
		r.err = err
	default:
		r.err = fmt.Errorf("%w: %s: %w", vigil.ErrMalformedInput, r.Position(), err)
	}
	return r.err
}

func (r *Reader) recordErr(err error) error {
	return fmt.Errorf("%s: %w", r.Position(), err)
}

func (r *Reader) next(e *vigil.Event) error {
	for {
		if r.array != 0 {
			done, err := r.arrayElement(e)
			if done && err == nil {
				continue
			}
			return err
		}
		if r.lines {
			return r.nextLine(e)
		}
		c, err := r.peek()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return err
		}
		switch c {
		case '[':
			r.br.ReadByte()
			r.array, r.inObject = arrBare, false
		case '{':
			if r.firstLineIsBadRecord() {
				r.lines = true
				continue
			}
			startLine := r.line
			obj, err := r.topObject()
			if err != nil {
				return err
			}
			if obj == nil { // an array inside it is being streamed
				continue
			}
			r.rec++
			if r.rec == 1 && r.line == startLine {
				r.lines = true // a one-line object: JSON lines from here on
				r.recLine = startLine
			}
			if err := r.single(obj, e); err != errSkip {
				return err
			}
		default:
			if c == bom[0] {
				if b, _ := r.br.Peek(len(bom)); string(b) == bom {
					r.br.Discard(len(bom))
					continue
				}
			}
			if r.rec == 0 && !r.firstLineHasRecord() {
				return fmt.Errorf("%w: line %d: not CloudTrail JSON (starts with %q)", vigil.ErrMalformedInput, r.line, c)
			}
			r.lines = true // text lines: CloudWatch Logs export
		}
	}
}

// single handles a whole top-level object that is not a container.
func (r *Reader) single(obj []byte, e *vigil.Event) error {
	sc := scanner{s: string(obj)}
	var digest, control bool
	_, err := sc.object(0, func(key string, v int) (int, error) {
		switch key {
		case "digestStartTime", "digestS3Object", "logFiles":
			digest = true
		case "messageType":
			if val, _, _ := sc.scalar(v); val == "CONTROL_MESSAGE" {
				control = true
			}
		}
		return sc.skip(v, 1)
	})
	switch {
	case err != nil:
		return r.recordErr(fmt.Errorf("%w: %w", vigil.ErrMalformedRecord, err))
	case digest:
		return ErrDigest
	case control:
		return errSkip
	}
	if err := ParseEvent(obj, e); err != nil {
		return r.recordErr(err)
	}
	return nil
}

// topObject reads a top-level object member by member. When it meets a
// Records or logEvents array it starts streaming that array and returns nil;
// otherwise it returns the whole object's bytes.
func (r *Reader) topObject() ([]byte, error) {
	r.br.ReadByte() // '{'
	r.obj = append(r.obj[:0], '{')
	r.control = false
	first := true
	for {
		c, err := r.peek()
		if err != nil {
			return nil, unexpected(err)
		}
		if c == '}' && first {
			r.br.ReadByte()
			return append(r.obj, '}'), nil
		}
		key, err := r.readKey()
		if err != nil {
			return nil, err
		}
		c, err = r.peek()
		if err != nil {
			return nil, unexpected(err)
		}
		if c == '[' && (strings.EqualFold(key, "Records") || key == "logEvents") {
			r.br.ReadByte()
			r.array, r.inObject = arrRecords, true
			if key == "logEvents" {
				r.array = arrLogEvents
			}
			return nil, nil
		}
		if err := r.readValue(); err != nil {
			return nil, inputErr(err)
		}
		if key == "messageType" && string(r.buf) == `"CONTROL_MESSAGE"` {
			r.control = true
		}
		if !first {
			r.obj = append(r.obj, ',')
		}
		first = false
		r.obj = appendJSONString(r.obj, key)
		r.obj = append(r.obj, ':')
		r.obj = append(r.obj, r.buf...)
		if len(r.obj) > MaxRecordBytes {
			return nil, fmt.Errorf("%w: top-level object larger than %d bytes", vigil.ErrMalformedInput, MaxRecordBytes)
		}
		c, err = r.peek()
		if err != nil {
			return nil, unexpected(err)
		}
		r.br.ReadByte()
		switch c {
		case ',':
		case '}':
			return append(r.obj, '}'), nil
		default:
			return nil, fmt.Errorf("%w: %s: expected ',' or '}' in object, found %q", vigil.ErrMalformedInput, r.Position(), c)
		}
	}
}

// readKey reads `"key" :`.
func (r *Reader) readKey() (string, error) {
	if err := r.readValue(); err != nil {
		return "", err
	}
	sc := scanner{s: string(r.buf)}
	if len(sc.s) == 0 || sc.s[0] != '"' {
		return "", fmt.Errorf("%w: %s: expected object key", vigil.ErrMalformedInput, r.Position())
	}
	key, _, err := sc.str(0)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", vigil.ErrMalformedInput, r.Position(), err)
	}
	c, err := r.peek()
	if err != nil {
		return "", unexpected(err)
	}
	if c != ':' {
		return "", fmt.Errorf("%w: %s: expected ':' after key %q", vigil.ErrMalformedInput, r.Position(), key)
	}
	r.br.ReadByte()
	return key, nil
}

// arrayElement reads the next element of the streamed array. done reports
// that the array ended (and the enclosing object was consumed).
func (r *Reader) arrayElement(e *vigil.Event) (done bool, err error) {
	c, err := r.peek()
	if err != nil {
		return false, unexpected(err)
	}
	if c == ',' && r.rec > 0 {
		r.br.ReadByte()
		if c, err = r.peek(); err != nil {
			return false, unexpected(err)
		}
	}
	if c == ']' {
		r.br.ReadByte()
		kind := r.array
		r.array = 0
		if r.inObject {
			return true, r.finishObject()
		}
		_ = kind
		return true, nil
	}
	r.rec++
	if err := r.readValue(); err != nil {
		return false, err
	}
	if len(r.buf) == 0 {
		// Nothing could be read ('}' where a value belongs): reporting a
		// record error here would not move the reader forward.
		return false, fmt.Errorf("%w: line %d: unexpected %q in array", vigil.ErrMalformedInput, r.line, c)
	}
	if r.buf[0] != '{' {
		return false, r.recordErr(fmt.Errorf("%w: not a JSON object", vigil.ErrMalformedRecord))
	}
	if r.array == arrLogEvents {
		if r.control {
			// A CONTROL_MESSAGE's log events are health checks, not records.
			return true, nil
		}
		msg, err := logEventMessage(r.buf)
		if err != nil {
			return false, r.recordErr(err)
		}
		return false, r.parseLine(msg, e)
	}
	if err := ParseEvent(r.buf, e); err != nil {
		return false, r.recordErr(err)
	}
	return false, nil
}

// finishObject consumes the members after a streamed array and the
// closing brace.
func (r *Reader) finishObject() error {
	for {
		c, err := r.peek()
		if err != nil {
			return unexpected(err)
		}
		r.br.ReadByte()
		switch c {
		case '}':
			r.inObject = false
			return nil
		case ',':
			if _, err := r.readKey(); err != nil {
				return err
			}
			if err := r.readValue(); err != nil {
				return inputErr(err)
			}
		default:
			return fmt.Errorf("%w: %s: expected ',' or '}' after array, found %q", vigil.ErrMalformedInput, r.Position(), c)
		}
	}
}

func logEventMessage(b []byte) ([]byte, error) {
	sc := scanner{s: string(b)}
	var msg string
	_, err := sc.object(0, func(key string, v int) (int, error) {
		if key == "message" {
			val, end, err := sc.scalar(v)
			msg = val
			return end, err
		}
		return sc.skip(v, 1)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vigil.ErrMalformedRecord, err)
	}
	if msg == "" {
		return nil, fmt.Errorf("%w: log event without message", vigil.ErrMalformedRecord)
	}
	return []byte(msg), nil
}

// nextLine reads the next non-blank line as one record.
func (r *Reader) nextLine(e *vigil.Event) error {
	for {
		r.recLine = r.line
		line, err := r.readLine()
		if err != nil {
			return err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		r.rec++
		return r.parseLine(line, e)
	}
}

// parseLine parses a JSON record, or a CloudWatch Logs export line
// "<timestamp> <record>".
func (r *Reader) parseLine(line []byte, e *vigil.Event) error {
	if line[0] != '{' {
		i := bytes.IndexByte(line, '{')
		if i < 0 {
			return r.recordErr(fmt.Errorf("%w: no JSON object on line", vigil.ErrMalformedRecord))
		}
		line = line[i:]
	}
	if err := ParseEvent(line, e); err != nil {
		return r.recordErr(err)
	}
	return nil
}

// readLine returns the next line without its newline; the slice is valid
// until the next read.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	tooBig := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if tooBig || len(r.buf)+len(chunk) > MaxRecordBytes {
			tooBig = true
		} else {
			r.buf = append(r.buf, chunk...)
		}
		switch err {
		case nil, io.EOF:
			if err == nil {
				r.line++
			} else if len(r.buf) == 0 && !tooBig {
				return nil, io.EOF
			}
			if tooBig {
				return nil, fmt.Errorf("%w: line %d: line larger than %d bytes skipped", vigil.ErrMalformedRecord, r.recLine, MaxRecordBytes)
			}
			return r.buf, nil
		case bufio.ErrBufferFull:
			continue
		default:
			return nil, err
		}
	}
}

// peek skips whitespace and returns the next byte without consuming it.
func (r *Reader) peek() (byte, error) {
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case '\n':
			r.line++
		case ' ', '\t', '\r':
		default:
			r.br.UnreadByte()
			return c, nil
		}
	}
}

// inputErr turns a record error met outside any record (a value too large
// in a top-level object) into an input error: the reader cannot resume.
func inputErr(err error) error {
	if errors.Is(err, vigil.ErrMalformedRecord) && !errors.Is(err, vigil.ErrMalformedInput) {
		return fmt.Errorf("%w: %w", vigil.ErrMalformedInput, err)
	}
	return err
}

func unexpected(err error) error {
	if err == io.EOF {
		return fmt.Errorf("%w: unexpected end of input", vigil.ErrMalformedInput)
	}
	return err
}

// readValue reads one JSON value into r.buf, framing it by brackets and
// strings only; the record parser validates it fully. Inside strings it
// jumps from quote to quote with bytes.IndexByte, so framing costs little
// next to parsing.
func (r *Reader) readValue() error {
	r.buf = r.buf[:0]
	c, err := r.peek()
	if err != nil {
		return unexpected(err)
	}
	if c != '{' && c != '[' && c != '"' {
		return r.readScalar()
	}
	depth, inStr, esc, tooBig := 0, false, false, false
	for {
		n := r.br.Buffered()
		if n == 0 {
			n = 1
		}
		chunk, err := r.br.Peek(n)
		if len(chunk) == 0 {
			return unexpected(err)
		}
		end := -1
		i := 0
		for i < len(chunk) && end < 0 {
			if inStr {
				if esc {
					esc = false
					i++
					continue
				}
				q := bytes.IndexByte(chunk[i:], '"')
				seg := chunk[i:]
				if q >= 0 {
					seg = chunk[i : i+q]
				}
				if b := bytes.IndexByte(seg, '\\'); b >= 0 {
					i += b + 1
					esc = true
					continue
				}
				if q < 0 {
					i = len(chunk)
					continue
				}
				i += q + 1
				inStr = false
				if depth == 0 {
					end = i
				}
				continue
			}
			switch chunk[i] {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					end = i + 1
				}
			}
			i++
		}
		take := i
		if !tooBig {
			if len(r.buf)+take > MaxRecordBytes {
				tooBig = true
			} else {
				r.buf = append(r.buf, chunk[:take]...)
			}
		}
		r.line += bytes.Count(chunk[:take], []byte{'\n'})
		r.br.Discard(take)
		if end >= 0 {
			if tooBig {
				return fmt.Errorf("%w: %s: value larger than %d bytes skipped", vigil.ErrMalformedRecord, r.Position(), MaxRecordBytes)
			}
			return nil
		}
	}
}

func (r *Reader) readScalar() error {
	for {
		c, err := r.br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case ',', ']', '}', ' ', '\t', '\r', '\n':
			r.br.UnreadByte()
			return nil
		}
		r.buf = append(r.buf, c)
		if len(r.buf) > 1024 {
			return fmt.Errorf("%w: %s: invalid value", vigil.ErrMalformedInput, r.Position())
		}
	}
}

const bom = "\xef\xbb\xbf"

// firstLineIsBadRecord reports whether the input starts with a one-line
// object that is not valid JSON: a JSON-lines file whose first record is
// broken, to be read line by line so that the next records still count.
//
// Valid multi-line JSON cannot be mistaken for it: a line break sits
// between two tokens, and a '{' can only follow '[', ',' or ':'. So a first
// line that does not end with one of "[{,:" and is followed by a line
// starting with '{' (or by nothing) cannot begin one pretty-printed value.
func (r *Reader) firstLineIsBadRecord() bool {
	if r.rec > 0 || r.startsContainer() {
		return false
	}
	first, next, ok := r.peekLines()
	if !ok {
		return false
	}
	line := bytes.TrimSpace(first)
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	sc := scanner{s: string(line)}
	if end, err := sc.skip(0, 0); err == nil && end == len(line) {
		return false
	}
	switch line[len(line)-1] {
	case '[', '{', ',', ':':
		return false
	}
	return len(next) == 0 || next[0] == '{'
}

// startsContainer reports whether the unread input starts an object whose
// first key makes it a container of records ({"Records":[...]}, a
// CloudWatch Logs message), so that checking it as one record line —
// which would mean validating a whole, often one-line, file — is needless.
func (r *Reader) startsContainer() bool {
	b, _ := r.br.Peek(64)
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	for _, k := range []string{`"Records"`, `"logEvents"`, `"messageType"`, `"owner"`} {
		if bytes.HasPrefix(b, []byte(k)) {
			return true
		}
	}
	return false
}

// firstLineHasRecord reports whether the input's first line holds an
// object after at most a short text prefix (a CloudWatch Logs export
// timestamp), rather than being some other kind of file.
func (r *Reader) firstLineHasRecord() bool {
	first, _, _ := r.peekLines()
	i := bytes.IndexByte(first, '{')
	if i < 0 || i > 64 || !utf8.Valid(first[:i]) {
		return false
	}
	for _, c := range first[:i] {
		if c < 0x20 && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// peekLines returns, without consuming them, the first line of the unread
// input and the first non-blank line after it, both without their
// newlines, reading ahead as far as the buffer allows. ok reports that the
// first line ended within the buffer.
func (r *Reader) peekLines() (first, next []byte, ok bool) {
	size := min(4<<10, r.br.Size())
	for {
		b, err := r.br.Peek(size)
		done := err != nil || size == r.br.Size()
		nl := bytes.IndexByte(b, '\n')
		if nl >= 0 {
			rest := bytes.TrimLeft(b[nl+1:], " \t\r\n")
			if nl2 := bytes.IndexByte(rest, '\n'); nl2 >= 0 {
				return b[:nl], rest[:nl2], true
			}
			if done {
				return b[:nl], rest, true
			}
		} else if done {
			return b, nil, false
		}
		size = min(2*size, r.br.Size())
	}
}
