package dialect_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/dialect"
	"github.com/plumb-data/plumb/internal/golden"
)

// queries are the shapes of query pushdown runs, on awkward names.
func queries() []struct {
	name string
	q    dialect.Select
} {
	v := dialect.Text(dialect.Col(`e"mail`), dialect.ClassText)
	n := dialect.Col("amount")
	t := dialect.Table("crm", "cust`omers")
	trimmed := dialect.Fn(dialect.TrimSpace, v)
	return []struct {
		name string
		q    dialect.Select
	}{
		{"counts", dialect.Select{Items: []dialect.Expr{
			dialect.CountAll(), dialect.Fn(dialect.Count, v),
			dialect.Fn(dialect.CountIf, dialect.Op(dialect.Bin(v), "=", dialect.Str(""))),
			dialect.Fn(dialect.CountIf, dialect.And(dialect.Op(dialect.Bin(v), "<>", dialect.Str("")), dialect.Op(dialect.Bin(trimmed), "=", dialect.Str("")))),
			dialect.Fn(dialect.CountIf, dialect.In(dialect.Bin(trimmed), dialect.Str("N/A"), dialect.Str("it's"), dialect.Str(`a\b`))),
			dialect.Fn(dialect.CountDistinct, dialect.Bin(v)),
			dialect.Fn(dialect.Min, dialect.Bin(v)), dialect.Fn(dialect.Max, dialect.Bin(v)),
		}, From: t}},
		{"top values", dialect.Select{Items: []dialect.Expr{dialect.As(dialect.Bin(v), "v"), dialect.As(dialect.CountAll(), "n")},
			From: t, Where: dialect.NotNull(v), GroupBy: []dialect.Expr{dialect.Bin(v)},
			OrderBy: []dialect.Order{{X: dialect.CountAll(), Desc: true}, {X: dialect.Bin(v)}}, Limit: 10}},
		{"lengths", dialect.Select{Items: []dialect.Expr{dialect.Fn(dialect.Length, v), dialect.CountAll()},
			From: t, GroupBy: []dialect.Expr{dialect.Fn(dialect.Length, v)}}},
		{"numbers", dialect.Select{Items: []dialect.Expr{
			dialect.Fn(dialect.Min, n), dialect.Fn(dialect.Max, n), dialect.Fn(dialect.Avg, n), dialect.Fn(dialect.StddevSamp, n),
			dialect.Text(n, dialect.ClassDecimal), dialect.Text(dialect.Col("flag"), dialect.ClassBoolean), dialect.Text(dialect.Col("day"), dialect.ClassDate),
		}, From: dialect.Query("SELECT * FROM orders WHERE total > 0")}},
		{"patterns", dialect.Select{Items: []dialect.Expr{dialect.Fn(dialect.MaskASCII, v), dialect.CountAll()},
			From: t, Where: dialect.Op(dialect.Fn(dialect.OctetLength, v), "=", dialect.Fn(dialect.Length, v)),
			GroupBy: []dialect.Expr{dialect.Fn(dialect.MaskASCII, v)}}},
		{"quantiles", dialect.Select{Items: []dialect.Expr{dialect.Fn(dialect.QuantileDisc, n, dialect.Float(0.95))}, From: t}},
		{"histogram", dialect.Select{Items: []dialect.Expr{
			dialect.As(dialect.Fn(dialect.Least, dialect.Fn(dialect.Floor, dialect.Op(dialect.Op(dialect.Fn(dialect.ToDouble, n), "-", dialect.Float(-1.5)), "/", dialect.Float(0.1))), dialect.Int(19)), "b"),
			dialect.CountAll()}, From: t, Where: dialect.NotNull(n), GroupBy: []dialect.Expr{dialect.Col("b")}}},
		{"key pair", dialect.Select{Items: []dialect.Expr{dialect.Fn(dialect.CountDistinctTuple, dialect.Col("a"), dialect.Col("b"))}, From: t}},
		{"failing sample", dialect.Select{Items: []dialect.Expr{dialect.Col("rn"), dialect.Col("v")}, From: dialect.Sub(dialect.Select{
			Items: []dialect.Expr{dialect.As(dialect.Over(dialect.Fn(dialect.RowNumber), nil, []dialect.Expr{dialect.Col("id")}), "rn"),
				dialect.As(dialect.Over(dialect.CountAll(), []dialect.Expr{dialect.Bin(v)}, nil), "c"), dialect.As(v, "v"), dialect.As(dialect.IsNull(v), "f")},
			From: t}), Where: dialect.Col("f"), OrderBy: []dialect.Order{{X: dialect.Col("rn")}}, Limit: 5}},
		{"references", dialect.Select{Items: []dialect.Expr{dialect.CountAll()}, From: t, Where: dialect.And(dialect.NotNull(dialect.Col("cust_id")),
			dialect.NotExists(dialect.Select{Items: []dialect.Expr{dialect.Int(1)}, From: dialect.Table("crm", "accounts"),
				Where: dialect.Op(dialect.Col("accounts", "id"), "=", dialect.Col("cust_id"))}))}},
		{"sample", dialect.Select{Items: []dialect.Expr{dialect.Star()}, From: t.Sample(0.01, 42)}},
	}
}

// TestRender renders every query shape in every dialect; the golden
// files are what each database is sent (each also runs against its
// database in package pushdown's tests, where one is reachable).
func TestRender(t *testing.T) {
	t.Parallel()
	for _, name := range dialect.Names() {
		t.Run(name, func(t *testing.T) {
			d := dialect.For(name)
			var b strings.Builder
			for _, q := range queries() {
				b.WriteString("-- " + q.name + "\n")
				s, err := d.Render(q.q)
				var ue *dialect.UnsupportedError
				switch {
				case errors.As(err, &ue):
					b.WriteString("-- unsupported: " + err.Error() + "\n\n")
					continue
				case err != nil:
					t.Fatalf("%s: %v", q.name, err)
				}
				b.WriteString(s + ";\n\n")
			}
			golden.Check(t, filepath.Join("testdata", name+".sql"), []byte(b.String()))
		})
	}
}

func TestCaps(t *testing.T) {
	t.Parallel()
	for _, name := range dialect.Names() {
		d := dialect.For(name)
		if got := d.Has(dialect.QuantileDisc); got != d.Caps.Quantiles {
			t.Errorf("%s: writes quantile_disc %v, Caps.Quantiles %v", name, got, d.Caps.Quantiles)
		}
		if got := d.Has(dialect.ApproxCountDistinct); got != d.Caps.ApproxDistinct {
			t.Errorf("%s: writes approx_count_distinct %v, Caps.ApproxDistinct %v", name, got, d.Caps.ApproxDistinct)
		}
		if got := d.Has(dialect.RowNumber); got != d.Caps.Windows {
			t.Errorf("%s: writes row_number %v, Caps.Windows %v", name, got, d.Caps.Windows)
		}
		if got := d.TableSample != nil; got != d.Caps.Sample {
			t.Errorf("%s: samples %v, Caps.Sample %v", name, got, d.Caps.Sample)
		}
	}
	if dialect.For("oracle") != nil {
		t.Error("For(oracle): got a dialect, want none")
	}
}
