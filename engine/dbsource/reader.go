package dbsource

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/plumb-data/plumb/source"
)

// Reader streams the rows of a database source.
type Reader interface {
	// Columns are the source's columns, in order.
	Columns() []Column
	// Catalog is what the database says of the source.
	Catalog() *source.Catalog
	// Next advances to the next row; false at the end or on an error.
	Next() bool
	// Row converts the current row into dst (one value a column). A
	// *ValueError says a value could not be converted; dst then holds
	// what could be, and Text the row as read.
	Row(dst []any) error
	// Text is the current row as read, for a reject.
	Text() string
	Err() error
	Close() error
}

// Column is a column of a database source and how it loads.
type Column struct {
	Name string
	// Declared is the database's type name.
	Declared string
	// Type is the DuckDB type the values load as, e.g. "DECIMAL(12,2)".
	Type string
	// Note says what was not kept as the database has it.
	Note string
}

// Decimal is an exact decimal: Value × 10^-Scale, at most Width digits.
type Decimal struct {
	Width, Scale uint8
	Value        *big.Int
}

// Interval is a span of months, days and microseconds, kept apart as
// PostgreSQL and DuckDB keep them.
type Interval struct {
	Months, Days int32
	Micros       int64
}

// ValueError is a value that has no value of its column's DuckDB type.
type ValueError struct {
	Column string
	Value  string
	Reason string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("column %q: %s: %s", e.Column, e.Value, e.Reason)
}

// Open connects to the database and starts reading the source.
func Open(ctx context.Context, d *source.Database) (Reader, error) {
	var r Reader
	var err error
	switch d.Format {
	case source.FormatPostgres:
		r, err = openPostgres(ctx, d)
	case source.FormatMySQL:
		r, err = openMySQL(ctx, d)
	case source.FormatSQLite:
		r, err = openSQLite(ctx, d)
	case source.FormatClickHouse:
		r, err = openClickHouse(ctx, d)
	default:
		return nil, fmt.Errorf("unknown database %q", d.Format)
	}
	if err != nil {
		return nil, redacted(err, d.Password)
	}
	return r, nil
}

// redacted hides a password a driver may have put in an error.
func redacted(err error, password string) error {
	msg := err.Error()
	shown := source.Redact(msg)
	if password != "" && len(password) > 2 {
		shown = strings.ReplaceAll(shown, password, source.Mask)
	}
	if shown == msg {
		return err
	}
	return &redactedError{msg: shown, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is lets errors.Is see context.Canceled through the redaction, but not
// the driver's error (whose text holds the secret).
func (e *redactedError) Is(target error) bool {
	return target == context.Canceled && errors.Is(e.err, context.Canceled) ||
		target == context.DeadlineExceeded && errors.Is(e.err, context.DeadlineExceeded)
}

// selectFrom is the statement that reads d: its table, or its query.
func selectFrom(d *source.Database, quote func(string) string) string {
	if d.Query != "" {
		return trimQuery(d.Query)
	}
	parts := make([]string, len(d.Table))
	for i, p := range d.Table {
		parts[i] = quote(p)
	}
	return "SELECT * FROM " + strings.Join(parts, ".")
}

// trimQuery drops a query's trailing semicolons and spaces, so that it
// can be wrapped as a subquery.
func trimQuery(q string) string {
	return strings.TrimRight(strings.TrimSpace(q), "; \t\r\n")
}

func quoteDouble(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteBacktick(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// rowText renders raw values for a reject's text: comma-separated, NULL
// as empty.
func rowText(vals []any) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		switch v := v.(type) {
		case nil:
		case []byte:
			b.Write(v)
		case driver.Valuer:
			if dv, err := v.Value(); err == nil && dv != nil {
				fmt.Fprint(&b, dv)
			}
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// parseDecimal reads a decimal's text ("-123.45", "1e3" not allowed) at
// the given scale; more fraction digits than the scale is an error.
func parseDecimal(s string, width, scale uint8) (Decimal, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > int(scale) {
		return Decimal{}, fmt.Errorf("more than %d digits after the point", scale)
	}
	digits := intPart + frac + strings.Repeat("0", int(scale)-len(frac))
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok || digits == "" {
		return Decimal{}, fmt.Errorf("not a decimal number")
	}
	if neg {
		v.Neg(v)
	}
	if len(strings.TrimLeft(digits, "0")) > int(width) {
		return Decimal{}, fmt.Errorf("more than %d digits", width)
	}
	return Decimal{Width: width, Scale: scale, Value: v}, nil
}
