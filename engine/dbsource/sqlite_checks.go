package dbsource

import (
	"context"
	"database/sql"
	"strings"
)

// sqliteChecks adds the CHECK constraints of a table's CREATE TABLE
// statement (SQLite keeps no other record of them) to the catalog.
func sqliteChecks(ctx context.Context, db *sql.DB, table string, checks *[]string) error {
	var stmt sql.NullString
	err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&stmt)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	*checks = append(*checks, checkClauses(stmt.String)...)
	return nil
}

// checkClauses finds the CHECK (…) clauses of a CREATE TABLE statement,
// each as written ("CHECK (amount >= 0)"), past quoted names, strings
// and comments; an unbalanced clause (a statement cut short) is left out.
func checkClauses(stmt string) []string {
	var out []string
	for i := 0; i < len(stmt); {
		switch c := stmt[i]; {
		case c == '\'' || c == '"' || c == '`' || c == '[':
			i = skipQuoted(stmt, i)
		case c == '-' && strings.HasPrefix(stmt[i:], "--"):
			if k := strings.IndexByte(stmt[i:], '\n'); k >= 0 {
				i += k + 1
			} else {
				i = len(stmt)
			}
		case c == '/' && strings.HasPrefix(stmt[i:], "/*"):
			if k := strings.Index(stmt[i+2:], "*/"); k >= 0 {
				i += k + 4
			} else {
				i = len(stmt)
			}
		case (c == 'c' || c == 'C') && len(stmt)-i >= 5 && strings.EqualFold(stmt[i:i+5], "check") &&
			(i == 0 || !isWordByte(stmt[i-1])) && (i+5 == len(stmt) || !isWordByte(stmt[i+5])):
			j := i + 5
			for j < len(stmt) && strings.IndexByte(" \t\r\n", stmt[j]) >= 0 {
				j++
			}
			if j >= len(stmt) || stmt[j] != '(' {
				i = j
				continue
			}
			end := closeParen(stmt, j)
			if end < 0 {
				return out
			}
			out = append(out, "CHECK "+stmt[j:end+1])
			i = end + 1
		default:
			i++
		}
	}
	return out
}

// skipQuoted returns the index past the quoted text starting at i ('…',
// "…", `…` with doubled quotes; […]); the end of s when it is not closed.
func skipQuoted(s string, i int) int {
	closing := s[i]
	if closing == '[' {
		closing = ']'
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] != closing {
			continue
		}
		if closing != ']' && j+1 < len(s) && s[j+1] == closing {
			j++
			continue
		}
		return j + 1
	}
	return len(s)
}

// closeParen returns the index of the parenthesis closing the one at
// open, or -1.
func closeParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); {
		switch s[i] {
		case '\'', '"', '`', '[':
			i = skipQuoted(s, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
