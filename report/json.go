package report

import (
	"encoding/json"
	"io"

	"github.com/plumb-data/plumb/result"
)

type jsonRenderer struct{}

// envelope is the top level of every JSON document plumb writes.
type envelope struct {
	SchemaVersion int  `json:"schema_version"`
	Kind          Kind `json:"kind"`
	Result        any  `json:"result"`
}

func writeJSON(w io.Writer, k Kind, res any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(envelope{SchemaVersion: SchemaVersion, Kind: k, Result: res})
}

// Inspect writes one source's account as an object, several as an array.
func (jsonRenderer) Inspect(w io.Writer, rs []*result.Inspect) error {
	if len(rs) == 1 {
		return writeJSON(w, KindInspect, rs[0])
	}
	return writeJSON(w, KindInspect, rs)
}

func (jsonRenderer) Profile(w io.Writer, r *result.Profile) error {
	return writeJSON(w, KindProfile, r)
}
func (jsonRenderer) Check(w io.Writer, r *result.Check) error   { return writeJSON(w, KindCheck, r) }
func (jsonRenderer) Diff(w io.Writer, r *result.Diff) error     { return writeJSON(w, KindDiff, r) }
func (jsonRenderer) Dedupe(w io.Writer, r *result.Dedupe) error { return writeJSON(w, KindDedupe, r) }
func (jsonRenderer) Link(w io.Writer, r *result.Link) error     { return writeJSON(w, KindLink, r) }
