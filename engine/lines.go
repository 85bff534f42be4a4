package engine

import (
	"bufio"
	"bytes"
	"errors"
	"github.com/plumb-data/plumb/source"
	"io"
)

// physicalLines maps DuckDB's line_byte_position of rejected rows to the
// 1-based line numbers a text editor shows. DuckDB's own line numbers
// count records, which drift from lines after every quoted field that
// spans lines; its byte positions are 1-based offsets into the decoded
// UTF-8 text (BOM removed), so that is what is counted here. positions
// must be sorted ascending.
func physicalLines(path, encoding, newline string, positions []int64) (map[int64]int64, error) {
	r, _, err := openText(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	nl := byte('\n')
	if newline == `\r` {
		nl = '\r'
	}
	latin1 := encoding == source.EncodingLatin1
	br := bufio.NewReaderSize(r, 1<<20)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	out := make(map[int64]int64, len(positions))
	buf := make([]byte, 1<<20)
	var pos, lines int64 // decoded offset of buf[0]; newlines before it
	next := 0
	for next < len(positions) {
		n, err := br.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 && next < len(positions) {
			target := positions[next] - 1 // 0-based offset of the line start
			if !latin1 {
				if target >= pos+int64(len(chunk)) {
					lines += int64(bytes.Count(chunk, []byte{nl}))
					pos += int64(len(chunk))
					chunk = nil
					break
				}
				k := target - pos
				if k > 0 {
					lines += int64(bytes.Count(chunk[:k], []byte{nl}))
					pos += k
					chunk = chunk[k:]
				}
				out[positions[next]] = lines + 1
				next++
				continue
			}
			// latin-1: every byte >= 0x80 decodes to two UTF-8 bytes.
			for len(chunk) > 0 && pos < target {
				c := chunk[0]
				if c == nl {
					lines++
				}
				if c >= 0x80 {
					pos += 2
				} else {
					pos++
				}
				chunk = chunk[1:]
			}
			if pos >= target {
				out[positions[next]] = lines + 1
				next++
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
	}
	for ; next < len(positions); next++ {
		out[positions[next]] = lines + 1
	}
	return out, nil
}
