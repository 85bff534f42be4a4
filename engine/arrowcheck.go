//go:build duckdb_arrow

package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxArrowNesting bounds how deep an Arrow schema's fields nest; deeper
// (or cyclic) schemas are refused before arrow-go reads them.
const maxArrowNesting = 64

var errArrowSchema = errors.New("corrupt Arrow schema")

// checkArrowSchema checks the flatbuffers of an Arrow IPC file's or
// stream's schema before arrow-go reads it: arrow-go trusts the lengths
// of their vectors, so that one flipped byte can make it allocate
// hundreds of gigabytes (a fatal error no recover catches) or recurse
// forever. It checks that every table, vector and string of the schema
// lies within the bytes and that fields nest no deeper than
// maxArrowNesting; what it cannot place it leaves to arrow-go's errors.
func checkArrowSchema(fh *os.File) error {
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	head := make([]byte, 8)
	if _, err := fh.ReadAt(head, 0); err != nil {
		return nil // too short: arrow-go says so
	}
	if bytes.HasPrefix(head, magicArrow) {
		if size < 10+8 {
			return nil
		}
		tail := make([]byte, 10)
		if _, err := fh.ReadAt(tail, size-10); err != nil || !bytes.Equal(tail[4:], magicArrow) {
			return nil // not a whole file: read as a stream, or refused
		}
		n := int64(binary.LittleEndian.Uint32(tail))
		if n <= 0 || n > size-10 || n > 64<<20 {
			return fmt.Errorf("%w: footer of %d bytes", errArrowSchema, n)
		}
		footer := make([]byte, n)
		if _, err := fh.ReadAt(footer, size-10-n); err != nil {
			return err
		}
		b := fbuf(footer)
		root, err := b.root()
		if err != nil {
			return err
		}
		schema, ok, err := b.tableField(root, 1)
		if err != nil || !ok {
			return err
		}
		return b.schema(schema)
	}
	// A stream: its first message is the schema.
	r := io.NewSectionReader(fh, 0, size)
	var prefix [8]byte
	if _, err := io.ReadFull(r, prefix[:4]); err != nil {
		return nil
	}
	n := int64(binary.LittleEndian.Uint32(prefix[:4]))
	if n == 0xFFFFFFFF {
		if _, err := io.ReadFull(r, prefix[4:]); err != nil {
			return nil
		}
		n = int64(binary.LittleEndian.Uint32(prefix[4:]))
	}
	if n <= 0 || n > 64<<20 {
		return nil // arrow-go refuses it
	}
	meta := make([]byte, n)
	if _, err := io.ReadFull(r, meta); err != nil {
		return nil
	}
	b := fbuf(meta)
	msg, err := b.root()
	if err != nil {
		return err
	}
	if p, ok, err := b.scalar(msg, 1, 1); err != nil || !ok || b[p] != 1 { // header_type: Schema
		return err
	}
	schema, ok, err := b.tableField(msg, 2)
	if err != nil || !ok {
		return err
	}
	return b.schema(schema)
}

// fbuf is a flatbuffer whose offsets are checked before they are used.
type fbuf []byte

// table is the position of a flatbuffers table and of its vtable.
type table struct{ pos, vtable, vsize, tsize int }

func (b fbuf) u32(p int) (int, error) {
	if p < 0 || p+4 > len(b) {
		return 0, fmt.Errorf("%w: offset %d out of %d bytes", errArrowSchema, p, len(b))
	}
	return int(binary.LittleEndian.Uint32(b[p:])), nil
}

func (b fbuf) root() (table, error) {
	off, err := b.u32(0)
	if err != nil {
		return table{}, err
	}
	return b.table(off)
}

func (b fbuf) table(p int) (table, error) {
	so, err := b.u32(p)
	if err != nil {
		return table{}, err
	}
	vt := p - int(int32(so))
	if vt < 0 || vt+4 > len(b) {
		return table{}, fmt.Errorf("%w: vtable at %d out of %d bytes", errArrowSchema, vt, len(b))
	}
	t := table{pos: p, vtable: vt, vsize: int(binary.LittleEndian.Uint16(b[vt:])), tsize: int(binary.LittleEndian.Uint16(b[vt+2:]))}
	if t.vsize < 4 || vt+t.vsize > len(b) || p+t.tsize > len(b) {
		return table{}, fmt.Errorf("%w: table at %d out of %d bytes", errArrowSchema, p, len(b))
	}
	return t, nil
}

// scalar returns where field i (of width bytes) of t is, and whether it
// is there.
func (b fbuf) scalar(t table, i, width int) (int, bool, error) {
	k := 4 + 2*i
	if k+2 > t.vsize {
		return 0, false, nil
	}
	o := int(binary.LittleEndian.Uint16(b[t.vtable+k:]))
	if o == 0 {
		return 0, false, nil
	}
	if o+width > t.tsize {
		return 0, false, fmt.Errorf("%w: field %d past its table", errArrowSchema, i)
	}
	return t.pos + o, true, nil
}

// indirect follows the offset stored in field i of t.
func (b fbuf) indirect(t table, i int) (int, bool, error) {
	p, ok, err := b.scalar(t, i, 4)
	if err != nil || !ok {
		return 0, ok, err
	}
	off, err := b.u32(p)
	return p + off, true, err
}

func (b fbuf) tableField(t table, i int) (table, bool, error) {
	p, ok, err := b.indirect(t, i)
	if err != nil || !ok {
		return table{}, ok, err
	}
	tt, err := b.table(p)
	return tt, err == nil, err
}

// vector returns the start and length of the vector in field i of t,
// each element width bytes, checked to lie within b.
func (b fbuf) vector(t table, i, width int) (start, n int, err error) {
	p, ok, err := b.indirect(t, i)
	if err != nil || !ok {
		return 0, 0, err
	}
	if n, err = b.u32(p); err != nil {
		return 0, 0, err
	}
	if n > (len(b)-p-4)/width {
		return 0, 0, fmt.Errorf("%w: vector of %d at %d out of %d bytes", errArrowSchema, n, p, len(b))
	}
	return p + 4, n, nil
}

// tables calls fn with each table of the vector of tables in field i.
func (b fbuf) tables(t table, i int, fn func(table) error) error {
	start, n, err := b.vector(t, i, 4)
	if err != nil {
		return err
	}
	for k := range n {
		p := start + 4*k
		off, err := b.u32(p)
		if err != nil {
			return err
		}
		tt, err := b.table(p + off)
		if err != nil {
			return err
		}
		if err := fn(tt); err != nil {
			return err
		}
	}
	return nil
}

// schema checks a Schema table: fields (1) and custom_metadata (2).
func (b fbuf) schema(t table) error {
	if err := b.tables(t, 1, func(f table) error { return b.field(f, 1) }); err != nil {
		return err
	}
	return b.metadata(t, 2)
}

// field checks a Field table: name (0), type (3), dictionary (4),
// children (5), custom_metadata (6).
func (b fbuf) field(t table, depth int) error {
	if depth > maxArrowNesting {
		return fmt.Errorf("%w: fields nest deeper than %d", errArrowSchema, maxArrowNesting)
	}
	if _, _, err := b.vector(t, 0, 1); err != nil {
		return err
	}
	if _, _, err := b.tableField(t, 3); err != nil {
		return err
	}
	if d, ok, err := b.tableField(t, 4); err != nil {
		return err
	} else if ok {
		if _, _, err := b.tableField(d, 1); err != nil { // indexType
			return err
		}
	}
	if err := b.tables(t, 5, func(c table) error { return b.field(c, depth+1) }); err != nil {
		return err
	}
	return b.metadata(t, 6)
}

// metadata checks a vector of KeyValue tables (key 0, value 1) in field i.
func (b fbuf) metadata(t table, i int) error {
	return b.tables(t, i, func(kv table) error {
		if _, _, err := b.vector(kv, 0, 1); err != nil {
			return err
		}
		_, _, err := b.vector(kv, 1, 1)
		return err
	})
}
