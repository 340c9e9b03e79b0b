package flowlogs

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// parquetColumn maps one leaf column of a flow log Parquet file.
type parquetColumn struct {
	field vigil.FlowField
	ok    bool   // the column is a flow log field
	last  []byte // last text value, to reuse its string on repeats
	str   string
}

// ReadParquet reads a flow log file delivered as Parquet, calling fn for
// each record in file order. Columns are matched to fields by name, AWS's
// ("account_id") or the text header's ("account-id"); columns of no
// vigil.FlowField are ignored (but a Transit Gateway Flow Logs file is
// rejected with an *UnknownFieldError, as in text); NULL values are not
// present. Numeric fields accept any integer column (AWS writes INT32 or
// INT64, varying by field and by log type) or text holding a number.
//
// fn must not retain rec, which is reused, but may keep its strings. An
// error from fn stops the reading and is returned as is. A file that is not
// Parquet or holds a value that does not fit its field is reported with an
// error wrapping vigil.ErrMalformedInput.
// See https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html.
func ReadParquet(r io.ReaderAt, size int64, fn func(rec *vigil.FlowRecord) error) error {
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return fmt.Errorf("%w: open Parquet: %w", vigil.ErrMalformedInput, err)
	}
	paths := f.Schema().Columns()
	cols := make([]parquetColumn, len(paths))
	for i, path := range paths {
		if len(path) != 1 {
			continue // nested: no flow log field is
		}
		if fld, ok := fieldsByName[path[0]]; ok {
			cols[i] = parquetColumn{field: fld, ok: true}
		}
	}
	rows := make([]parquet.Row, 128)
	var rec vigil.FlowRecord
	var n int64
	for _, rg := range f.RowGroups() {
		if err := readRowGroup(rg, rows, cols, &rec, &n, fn); err != nil {
			return err
		}
	}
	return nil
}

func readRowGroup(rg parquet.RowGroup, buf []parquet.Row, cols []parquetColumn, rec *vigil.FlowRecord, n *int64, fn func(*vigil.FlowRecord) error) error {
	rows := rg.Rows()
	defer rows.Close()
	for {
		k, err := rows.ReadRows(buf)
		for _, row := range buf[:k] {
			*n++
			rec.Reset()
			for _, v := range row {
				c := v.Column()
				if c < 0 || c >= len(cols) || !cols[c].ok || v.IsNull() {
					continue
				}
				if err := cols[c].set(rec, v); err != nil {
					return fmt.Errorf("%w: row %d: %w", vigil.ErrMalformedInput, *n, err)
				}
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: read Parquet row %d: %w", vigil.ErrMalformedInput, *n+1, err)
		}
	}
}

// set stores v in rec, converting between integers and text as needed.
func (c *parquetColumn) set(rec *vigil.FlowRecord, v parquet.Value) error {
	name := vigil.FlowFieldNames[c.field]
	switch v.Kind() {
	case parquet.Int32, parquet.Int64:
		x := v.Int64()
		if v.Kind() == parquet.Int32 {
			x = int64(v.Int32())
		}
		if numeric[c.field] {
			rec.SetInt(c.field, x)
		} else {
			rec.SetStr(c.field, strconv.FormatInt(x, 10))
		}
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if string(b) == "-" {
			return nil // text written as is: '-' is NULL
		}
		if numeric[c.field] {
			x, ok := parseInt(string(b))
			if !ok {
				return fmt.Errorf("%s: not a number: %q", name, clip(string(b)))
			}
			rec.SetInt(c.field, x)
			return nil
		}
		if c.last == nil || string(b) != string(c.last) {
			c.str = string(b)
			c.last = append(c.last[:0], b...)
		}
		rec.SetStr(c.field, c.str)
	default:
		return fmt.Errorf("%s: unsupported Parquet type %s", name, v.Kind())
	}
	return nil
}
