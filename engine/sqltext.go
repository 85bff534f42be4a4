//go:build duckdb_arrow

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Ident quotes a name for use as a DuckDB identifier, whatever it holds.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Literal quotes a string as a DuckDB string literal.
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// List renders strings as a DuckDB list of string literals.
func List(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = Literal(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Expr is a SQL expression written by a user (a filter, a rule, a mapping
// transformation, a blocking rule) that DuckDB's own parser has read as
// exactly one expression: no second statement, no FROM, no subquery. Make
// one with DB.ParseExpr; embed it with SQL.
type Expr struct{ text string }

// SQL renders the expression for embedding in a query: parenthesised, on
// lines of its own, so that nothing in it (a trailing comment, an
// operator) can reach the SQL around it.
func (e Expr) SQL() string { return "(\n" + e.text + "\n)" }

// String is the expression as the user wrote it.
func (e Expr) String() string { return e.text }

// ExprError says why a user's SQL fragment is not one expression.
type ExprError struct {
	Fragment string
	// Line and Column (1-based, in runes) point into Fragment where
	// DuckDB's parser says; 0 when it does not say.
	Line, Column int
	Reason       string
}

func (e *ExprError) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf(" (line %d, column %d of the expression)", e.Line, e.Column)
	}
	return fmt.Sprintf("%s%s: %s", e.Reason, at, quoteFragment(e.Fragment))
}

// quoteFragment shows a fragment in a message, shortened.
func quoteFragment(s string) string {
	const max = 200
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}

// exprPrefix wraps a fragment for the parser exactly as SQL embeds it.
const exprPrefix = "SELECT (\n"

// ParseExpr checks that fragment is exactly one SQL expression, by
// DuckDB's own parser rather than by looking at its characters: one
// SELECT of one item, with no FROM, WHERE, GROUP BY, HAVING, QUALIFY,
// ORDER BY, LIMIT, WITH or subquery anywhere in it. Column references and
// functions are not resolved here (the query that embeds it does that).
// The error is an *ExprError that quotes the fragment and never the SQL
// plumb builds around it.
func (db *DB) ParseExpr(ctx context.Context, fragment string) (Expr, error) {
	if strings.TrimSpace(fragment) == "" {
		return Expr{}, &ExprError{Fragment: fragment, Reason: "empty expression"}
	}
	if strings.ContainsRune(fragment, 0) {
		return Expr{}, &ExprError{Fragment: fragment, Reason: "a NUL byte in the expression"}
	}
	// Parsed in parentheses, as SQL embeds it, and again in list
	// brackets: a fragment that closes the parentheses it is given and
	// opens new ones ("a) OR (b") parses in the first but not the second,
	// and one that plays the same trick on brackets the other way round.
	// Both parse only when the fragment is balanced on its own.
	var paren, bracket string
	err := db.sql.QueryRowContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR, json_serialize_sql(?::VARCHAR)::VARCHAR",
		exprPrefix+fragment+"\n)", listPrefix+fragment+"\n]").Scan(&paren, &bracket)
	if err != nil {
		return Expr{}, fmt.Errorf("parse expression: %w", err)
	}
	for _, try := range []struct {
		serialized, prefix string
		list               bool
	}{{paren, exprPrefix, false}, {bracket, listPrefix, true}} {
		if reason, pos := exprProblem(try.serialized, try.list); reason != "" {
			e := &ExprError{Fragment: fragment, Reason: reason}
			if pos >= len(try.prefix) && pos <= len(try.prefix)+len(fragment) {
				e.Line, e.Column = lineColumn(fragment, pos-len(try.prefix))
			}
			return Expr{}, e
		}
	}
	return Expr{text: fragment}, nil
}

// listPrefix wraps a fragment in list brackets for the second parse.
const listPrefix = "SELECT [\n"

// lineColumn turns a byte offset into a 1-based line and rune column.
func lineColumn(s string, off int) (int, int) {
	line, col := 1, 1
	for i, r := range s {
		if i >= off {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return line, col
}

// serialized is the part of json_serialize_sql's answer ParseExpr reads.
type serialized struct {
	Error      bool              `json:"error"`
	ErrorType  string            `json:"error_type"`
	Message    string            `json:"error_message"`
	Position   string            `json:"position"`
	Statements []json.RawMessage `json:"statements"`
}

type selectNode struct {
	Type       string                          `json:"type"`
	Modifiers  []json.RawMessage               `json:"modifiers"`
	CTEs       struct{ Map []json.RawMessage } `json:"cte_map"`
	SelectList []json.RawMessage               `json:"select_list"`
	From       struct{ Type string }           `json:"from_table"`
	Where      json.RawMessage                 `json:"where_clause"`
	GroupBy    []json.RawMessage               `json:"group_expressions"`
	GroupSets  []json.RawMessage               `json:"group_sets"`
	Having     json.RawMessage                 `json:"having"`
	Sample     json.RawMessage                 `json:"sample"`
	Qualify    json.RawMessage                 `json:"qualify"`
}

// exprProblem reads DuckDB's parse of a wrapped fragment and says what
// keeps it from being one expression ("" when nothing does), with the
// byte position DuckDB names (-1 when none). In list brackets (list) the
// one expression is the list's one element.
func exprProblem(serializedJSON string, list bool) (string, int) {
	var s serialized
	if err := json.Unmarshal([]byte(serializedJSON), &s); err != nil {
		return "not an expression DuckDB can read", -1
	}
	if s.Error {
		pos := -1
		if p, err := strconv.Atoi(s.Position); err == nil {
			pos = p
		}
		if s.ErrorType == "not implemented" {
			// DuckDB serializes SELECT statements only: the fragment
			// ended the SELECT and began another kind of statement.
			return "more than one SQL statement (only one expression is allowed)", -1
		}
		msg, _, _ := strings.Cut(s.Message, "\n")
		return "not a valid SQL expression: " + msg, pos
	}
	if len(s.Statements) != 1 {
		return "more than one SQL statement (only one expression is allowed)", -1
	}
	var stmt struct {
		Node selectNode `json:"node"`
	}
	if err := json.Unmarshal(s.Statements[0], &stmt); err != nil {
		return "not an expression DuckDB can read", -1
	}
	n := stmt.Node
	switch {
	case n.Type != "SELECT_NODE":
		return "not a single expression (a set operation)", -1
	case len(n.SelectList) != 1:
		return "more than one expression (a comma outside parentheses)", -1
	case n.From.Type != "EMPTY":
		return "a FROM clause is not allowed in an expression", -1
	case isSet(n.Where), isSet(n.Having), isSet(n.Qualify), isSet(n.Sample),
		len(n.GroupBy) > 0, len(n.GroupSets) > 0:
		return "a WHERE, GROUP BY, HAVING, QUALIFY or SAMPLE clause is not allowed in an expression", -1
	case len(n.Modifiers) > 0:
		return "ORDER BY, LIMIT or DISTINCT is not allowed around an expression", -1
	case len(n.CTEs.Map) > 0:
		return "a WITH clause is not allowed in an expression", -1
	}
	var tree any
	if err := json.Unmarshal(n.SelectList[0], &tree); err != nil {
		return "not an expression DuckDB can read", -1
	}
	if list {
		fn, _ := tree.(map[string]any)
		children, _ := fn["children"].([]any)
		if name, _ := fn["function_name"].(string); name != "list_value" {
			return "not a single expression (it does not stand on its own in brackets)", -1
		}
		if len(children) != 1 {
			return "more than one expression (a comma outside parentheses)", -1
		}
	}
	if hasSubquery(tree) {
		return "a subquery is not allowed in an expression (it could read other tables or files)", -1
	}
	return "", -1
}

func isSet(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// hasSubquery walks a serialized expression for any nested query.
func hasSubquery(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if c, _ := x["class"].(string); c == "SUBQUERY" {
			return true
		}
		if _, ok := x["subquery"]; ok {
			return true
		}
		for _, c := range x {
			if hasSubquery(c) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if hasSubquery(c) {
				return true
			}
		}
	}
	return false
}

// OutOfMemory says whether err is DuckDB's out-of-memory error: its
// share of the memory limit ran out in a step it could not spill.
func OutOfMemory(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Out of Memory Error")
}

// ErrorReason is what a DuckDB error says is wrong, on one line, without
// the SQL it quotes: the "LINE n: …" context and its caret, and indented
// lists (candidate functions) are left out, so that a message built from
// it never shows plumb's generated SQL to the user.
func ErrorReason(err error) string {
	lines := strings.Split(err.Error(), "\n")
	var keep []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "LINE "):
			if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "^" {
				i++
			}
		case strings.HasPrefix(line, "\t"), strings.TrimSpace(line) == "":
		default:
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	return strings.Join(strings.Fields(strings.Join(keep, " ")), " ")
}
