//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/plumb-data/plumb/engine/dbsource"
)

// arrowBatchRows is how many rows an Arrow record batch of a database
// load holds; arrowBatchesInFlight bounds how many exist at once.
const (
	arrowBatchRows       = 16_384
	arrowBatchesInFlight = 2
)

// arrowSchema is the Arrow schema a database source's rows are built
// in, one field a column; ok is false when a column's type has no
// Arrow form here (lists), and the rows go through the Appender.
func arrowSchema(names []string, cols []dbsource.Column) (_ *arrow.Schema, ok bool) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		t := arrowType(c.Type)
		if t == nil {
			return nil, false
		}
		fields[i] = arrow.Field{Name: names[i], Type: t, Nullable: true}
	}
	return arrow.NewSchema(fields, nil), true
}

// arrowType is the Arrow type a column of DuckDB type duck is built
// as: the same type, or text DuckDB casts on insert (UUID, JSON).
func arrowType(duck string) arrow.DataType {
	switch duck {
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case "TINYINT":
		return arrow.PrimitiveTypes.Int8
	case "SMALLINT":
		return arrow.PrimitiveTypes.Int16
	case "INTEGER":
		return arrow.PrimitiveTypes.Int32
	case "BIGINT":
		return arrow.PrimitiveTypes.Int64
	case "UTINYINT":
		return arrow.PrimitiveTypes.Uint8
	case "USMALLINT":
		return arrow.PrimitiveTypes.Uint16
	case "UINTEGER":
		return arrow.PrimitiveTypes.Uint32
	case "UBIGINT":
		return arrow.PrimitiveTypes.Uint64
	case "FLOAT":
		return arrow.PrimitiveTypes.Float32
	case "DOUBLE":
		return arrow.PrimitiveTypes.Float64
	case "VARCHAR", "JSON", "UUID", "TIMETZ":
		return arrow.BinaryTypes.String
	case "BLOB":
		return arrow.BinaryTypes.Binary
	case "DATE":
		return arrow.FixedWidthTypes.Date32
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case "TIMESTAMPTZ":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case "TIME":
		return arrow.FixedWidthTypes.Time64us
	case "INTERVAL":
		return arrow.FixedWidthTypes.MonthDayNanoInterval
	}
	var p, s int32
	if n, _ := fmt.Sscanf(duck, "DECIMAL(%d,%d)", &p, &s); n == 2 && strings.HasSuffix(duck, ")") {
		return &arrow.Decimal128Type{Precision: p, Scale: s}
	}
	return nil
}

// arrowBatch is a record batch built from rows read, and the rejects
// met among them; err ends the stream.
type arrowBatch struct {
	rec     arrow.RecordBatch
	rejects []rejectRow
	err     error
}

// insertArrow appends r's rows to t through Arrow: one goroutine reads
// rows and builds record batches while DuckDB inserts the batches
// before, so the two overlap, and each batch is one call into DuckDB
// rather than a call a value.
func (db *DB) insertArrow(ctx context.Context, conn *sql.Conn, r dbsource.Reader, schema *arrow.Schema, t *Table, spec string) (err error) {
	rej, err := db.NewAppender(ctx, t.RejectsTable)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, rej.Close()) }()
	readCtx, stop := context.WithCancel(ctx)
	batches := make(chan arrowBatch, arrowBatchesInFlight)
	go func() {
		defer close(batches)
		buildBatches(readCtx, r, schema, batches)
	}()
	defer func() {
		stop()
		for b := range batches { // let the reader finish before r is closed
			if b.rec != nil {
				b.rec.Release()
			}
		}
	}()
	rr := &batchReader{schema: schema, batches: batches, onBatch: func(b arrowBatch) error {
		for _, x := range b.rejects {
			if err := rej.Append(spec, x.line, x.column, "CAST", x.msg, x.text); err != nil {
				return fmt.Errorf("keep reject: %w", err)
			}
		}
		t.RowsRejected += int64(len(b.rejects))
		if b.rec != nil {
			t.RowsLoaded += b.rec.NumRows()
		}
		t.RowsRead = t.RowsLoaded + t.RowsRejected
		return nil
	}}
	view, release, err := db.arrowView(conn, rr, "plumb_rows")
	if err != nil {
		return fmt.Errorf("hand rows to DuckDB: %w", err)
	}
	defer release()
	_, err = conn.ExecContext(ctx, "INSERT INTO "+Ident(t.Name)+" SELECT * FROM "+Ident(view))
	if rr.err != nil {
		return rr.err
	}
	return err
}

// buildBatches reads r's rows into record batches of schema and sends
// them, a rejected row's reason beside its batch, until r ends, fails
// or ctx is done.
func buildBatches(ctx context.Context, r dbsource.Reader, schema *arrow.Schema, out chan<- arrowBatch) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	vals := make([]any, len(schema.Fields()))
	var line int64
	var rows int
	var rejects []rejectRow
	send := func(x arrowBatch) bool {
		select {
		case out <- x:
			return true
		case <-ctx.Done():
			if x.rec != nil {
				x.rec.Release()
			}
			return false
		}
	}
	for r.Next() {
		line++
		if err := r.Row(vals); err != nil {
			var ve *dbsource.ValueError
			if !errors.As(err, &ve) {
				send(arrowBatch{err: err})
				return
			}
			rejects = append(rejects, rejectRow{line: line, column: ve.Column, msg: ve.Error(), text: r.Text()})
		} else {
			for i, v := range vals {
				if err := appendArrow(b.Field(i), v); err != nil {
					send(arrowBatch{err: fmt.Errorf("row %d: column %s: %w", line, schema.Field(i).Name, err)})
					return
				}
			}
			rows++
		}
		if rows == arrowBatchRows || len(rejects) == arrowBatchRows {
			if !send(arrowBatch{rec: b.NewRecordBatch(), rejects: rejects}) {
				return
			}
			rows, rejects = 0, nil
		}
	}
	if err := r.Err(); err != nil {
		send(arrowBatch{err: err})
		return
	}
	if rows > 0 || len(rejects) > 0 {
		send(arrowBatch{rec: b.NewRecordBatch(), rejects: rejects})
	}
}

// appendArrow appends one of dbsource's values (nil is NULL) to the
// builder of its column.
func appendArrow(fb array.Builder, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	ok := true
	switch b := fb.(type) {
	case *array.BooleanBuilder:
		var x bool
		x, ok = v.(bool)
		b.Append(x)
	case *array.Int8Builder:
		var x int8
		x, ok = v.(int8)
		b.Append(x)
	case *array.Int16Builder:
		var x int16
		x, ok = v.(int16)
		b.Append(x)
	case *array.Int32Builder:
		var x int32
		x, ok = v.(int32)
		b.Append(x)
	case *array.Int64Builder:
		var x int64
		x, ok = v.(int64)
		b.Append(x)
	case *array.Uint8Builder:
		var x uint8
		x, ok = v.(uint8)
		b.Append(x)
	case *array.Uint16Builder:
		var x uint16
		x, ok = v.(uint16)
		b.Append(x)
	case *array.Uint32Builder:
		var x uint32
		x, ok = v.(uint32)
		b.Append(x)
	case *array.Uint64Builder:
		var x uint64
		x, ok = v.(uint64)
		b.Append(x)
	case *array.Float32Builder:
		var x float32
		x, ok = v.(float32)
		b.Append(x)
	case *array.Float64Builder:
		var x float64
		x, ok = v.(float64)
		b.Append(x)
	case *array.StringBuilder:
		switch x := v.(type) {
		case string:
			b.Append(x)
		case [16]byte:
			b.Append(uuidText(x))
		default:
			ok = false
		}
	case *array.BinaryBuilder:
		var x []byte
		x, ok = v.([]byte)
		b.Append(x)
	case *array.Decimal128Builder:
		var x dbsource.Decimal
		if x, ok = v.(dbsource.Decimal); ok {
			b.Append(decimal128.FromBigInt(x.Value))
		}
	case *array.Date32Builder:
		var x time.Time
		x, ok = v.(time.Time)
		b.Append(arrow.Date32FromTime(x))
	case *array.TimestampBuilder:
		var x time.Time
		x, ok = v.(time.Time)
		b.Append(arrow.Timestamp(x.UnixMicro()))
	case *array.Time64Builder:
		var x time.Time
		x, ok = v.(time.Time)
		h, m, s := x.Clock()
		b.Append(arrow.Time64((int64(h)*3600+int64(m)*60+int64(s))*1_000_000 + int64(x.Nanosecond()/1000)))
	case *array.MonthDayNanoIntervalBuilder:
		var x dbsource.Interval
		x, ok = v.(dbsource.Interval)
		b.Append(arrow.MonthDayNanoInterval{Months: x.Months, Days: x.Days, Nanoseconds: x.Micros * 1000})
	default:
		return fmt.Errorf("no Arrow builder for %T", fb)
	}
	if !ok {
		return fmt.Errorf("%s value %s for %s", fmt.Sprintf("%T", v), strconv.Quote(fmt.Sprint(v)), fb.Type())
	}
	return nil
}

// batchReader is an Arrow RecordReader over the batches buildBatches
// sends; onBatch keeps a batch's rejects and counts its rows.
type batchReader struct {
	schema  *arrow.Schema
	batches <-chan arrowBatch
	onBatch func(arrowBatch) error
	cur     arrow.RecordBatch
	err     error
	refs    atomic.Int64
}

func (r *batchReader) Retain()                        { r.refs.Add(1) }
func (r *batchReader) Schema() *arrow.Schema          { return r.schema }
func (r *batchReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *batchReader) Record() arrow.RecordBatch      { return r.cur }
func (r *batchReader) Err() error                     { return r.err }

func (r *batchReader) Release() {
	if r.refs.Add(-1) < 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *batchReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for r.err == nil {
		b, ok := <-r.batches
		if !ok {
			return false
		}
		if b.err != nil {
			r.err = b.err
			return false
		}
		if r.err = r.onBatch(b); r.err != nil {
			b.rec.Release()
			return false
		}
		if b.rec.NumRows() > 0 {
			r.cur = b.rec
			return true
		}
		b.rec.Release()
	}
	return false
}

// uuidText is a UUID in its canonical text, which DuckDB casts to UUID.
func uuidText(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
