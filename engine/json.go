//go:build duckdb_arrow

package engine

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"github.com/plumb-data/plumb/source"
)

// maxJSONDepth is the deepest nesting of arrays and objects plumb hands
// to DuckDB: far past what data nests to, and short of where DuckDB's
// schema detection grows slow (a line 512 deep takes it 18 s, 128 deep
// 0.1 s) and, further on, runs out of stack or memory (at a depth of ten
// thousand it takes gigabytes, then crashes).
const maxJSONDepth = 128

var jsonLineRE = regexp.MustCompile(`line (\d+)`)

// loadJSON loads a JSON document or newline-delimited JSON. A document
// loads whole or fails. Newline-delimited JSON is checked line by line
// first: a line that is not one JSON object (malformed, an array, null),
// repeats a key within an object, or nests too deep is a reject of that
// line, with its line number and text, and the other lines load; DuckDB
// would make a NULL row of it, give up on the whole file, or crash.
func (db *DB) loadJSON(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, pk peek, rejects string) error {
	ndjson := f.Format == source.FormatNDJSON || pk.format == source.FormatNDJSON
	if !ndjson {
		if line, err := checkJSONDepth(ctx, path); err != nil {
			return &source.LoadError{Path: f.Path, Line: line, Err: err}
		}
		q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM " + readCall("read_json", path, "format='auto'")
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return jsonError(f.Path, err)
		}
		var err error
		f.RowsLoaded, err = count(ctx, conn, f.table)
		return err
	}
	read, bad, err := checkNDJSON(ctx, path)
	if err != nil {
		return &source.LoadError{Path: f.Path, Err: err}
	}
	f.read, f.counted = read, true
	from := path
	if len(bad) > 0 {
		good, err := db.copyNDJSON(ctx, path, bad)
		if err != nil {
			return &source.LoadError{Path: f.Path, Err: err}
		}
		defer os.Remove(good)
		from = good
	}
	if read == int64(len(bad)) {
		// Nothing to load: an empty table of no columns cannot be made.
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+Ident(f.table)+" (json JSON)"); err != nil {
			return err
		}
	} else {
		q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM "
		if _, err := conn.ExecContext(ctx, q+readCall("read_json", from, "format='newline_delimited'")); err != nil {
			// Most often a type that changes after DuckDB's sample: read
			// every line before deciding the schema.
			if _, err := conn.ExecContext(ctx, q+readCall("read_json", from, "format='newline_delimited'", "sample_size=-1")); err != nil {
				return jsonError(f.Path, err)
			}
		}
	}
	if f.RowsLoaded, err = count(ctx, conn, f.table); err != nil {
		return err
	}
	stmt, err := conn.PrepareContext(ctx, "INSERT INTO "+Ident(rejects)+" VALUES (?, ?, NULL, 'INVALID JSON', ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, b := range bad {
		if _, err := stmt.ExecContext(ctx, f.Path, b.line, b.message, b.text); err != nil {
			return fmt.Errorf("keep rejects: %w", err)
		}
	}
	f.RowsRejected = int64(len(bad))
	return nil
}

func jsonError(path string, err error) error {
	le := &source.LoadError{Path: path, Err: err}
	if m := jsonLineRE.FindStringSubmatch(err.Error()); m != nil {
		le.Line, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return le
}

type badLine struct {
	line          int64
	message, text string
}

// eachNDJSONLine calls fn with each line of a newline-delimited JSON
// file that is not blank, with its 1-based line number.
func eachNDJSONLine(ctx context.Context, path string, fn func(line int64, b []byte) error) error {
	r, _, err := openText(path)
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var line int64
	for sc.Scan() {
		line++
		if line%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(line, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
}

// checkNDJSON counts the records (lines not blank) of a newline-delimited
// JSON file and returns those that are not one JSON object DuckDB can
// read.
func checkNDJSON(ctx context.Context, path string) (int64, []badLine, error) {
	var (
		read int64
		bad  []badLine
		sc   jsonShape
	)
	err := eachNDJSONLine(ctx, path, func(line int64, b []byte) error {
		read++
		if msg := sc.check(bytes.TrimSpace(b)); msg != "" {
			bad = append(bad, badLine{line: line, message: msg, text: string(b)})
		}
		return nil
	})
	return read, bad, err
}

// copyNDJSON writes the lines of a newline-delimited JSON file other than
// bad ones to a temporary file and returns its path.
func (db *DB) copyNDJSON(ctx context.Context, path string, bad []badLine) (string, error) {
	out, err := os.CreateTemp(db.cfg.TempDir, "plumb-ndjson-*.ndjson")
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	k := 0
	err = eachNDJSONLine(ctx, path, func(line int64, b []byte) error {
		if k < len(bad) && bad[k].line == line {
			k++
			return nil
		}
		w.Write(bytes.TrimSpace(b))
		return w.WriteByte('\n')
	})
	if err = errors.Join(err, w.Flush(), out.Close()); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// jsonShape checks that a line holds one JSON object that DuckDB reads
// as a row: valid JSON, an object, no key twice in any object, nested no
// deeper than maxJSONDepth. It keeps its buffers between lines.
type jsonShape struct {
	keys [][][]byte // per open object, its keys so far (escaped as written)
}

// check returns why b is not such an object, or "".
func (s *jsonShape) check(b []byte) string {
	if d := jsonDepth(b); d > maxJSONDepth {
		return fmt.Sprintf("nested deeper than %d levels", maxJSONDepth)
	}
	if !json.Valid(b) {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return err.Error()
		}
		return "not valid JSON"
	}
	switch b[0] {
	case '{':
	case '[':
		return "not a JSON object: array"
	case '"':
		return "not a JSON object: string"
	case 'n':
		return "not a JSON object: null"
	case 't', 'f':
		return "not a JSON object: bool"
	default:
		return "not a JSON object: number"
	}
	if key := s.duplicate(b); key != "" {
		return "duplicate key " + key + " in an object"
	}
	return ""
}

// duplicate returns the first key b (valid JSON) repeats within one
// object, as written, or "".
func (s *jsonShape) duplicate(b []byte) string {
	type level struct {
		object, expectKey bool
		seen              map[string]bool // once the object has many keys
	}
	var stack []level
	s.keys = s.keys[:0]
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '[':
			stack = append(stack, level{object: c == '{', expectKey: c == '{'})
			if c == '{' {
				if len(s.keys) < cap(s.keys) {
					s.keys = s.keys[:len(s.keys)+1]
					s.keys[len(s.keys)-1] = s.keys[len(s.keys)-1][:0]
				} else {
					s.keys = append(s.keys, nil)
				}
			}
		case '}', ']':
			if stack[len(stack)-1].object {
				s.keys = s.keys[:len(s.keys)-1]
			}
			stack = stack[:len(stack)-1]
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				top.expectKey = true
			}
		case '"':
			j, esc := i+1, false
			for ; b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
					esc = true
				}
			}
			raw := b[i : j+1]
			i = j
			top := &stack[len(stack)-1]
			if !top.object || !top.expectKey {
				continue
			}
			top.expectKey = false
			key := raw
			if esc {
				var str string
				if json.Unmarshal(raw, &str) == nil {
					key = []byte(strconv.Quote(str))
				}
			}
			keys := &s.keys[len(s.keys)-1]
			if top.seen != nil {
				if top.seen[string(key)] {
					return string(raw)
				}
				top.seen[string(key)] = true
				continue
			}
			for _, k := range *keys {
				if bytes.Equal(k, key) {
					return string(raw)
				}
			}
			*keys = append(*keys, key)
			if len(*keys) > 32 {
				top.seen = make(map[string]bool, 64)
				for _, k := range *keys {
					top.seen[string(k)] = true
				}
			}
		}
	}
	return ""
}

// jsonDepth returns the deepest nesting of arrays and objects in b,
// counting brackets outside strings (b need not be valid).
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// checkJSONDepth refuses a JSON document nested deeper than maxJSONDepth
// before DuckDB reads it, returning the line where it goes too deep.
func checkJSONDepth(ctx context.Context, path string) (int64, error) {
	r, _, err := openText(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		depth    int
		line     int64 = 1
		inString bool
		escaped  bool
		buf      = make([]byte, 1<<16)
	)
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		k, err := br.Read(buf)
		for _, c := range buf[:k] {
			switch {
			case c == '\n':
				line++
			case escaped:
				escaped = false
			case inString:
				if c == '\\' {
					escaped = true
				} else if c == '"' {
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				if depth++; depth > maxJSONDepth {
					return line, fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
				}
			case c == '}' || c == ']':
				depth--
			}
		}
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
