package report

import (
	"encoding/json"
	"io"
)

type jsonRenderer struct{}

// envelope is the top level of every JSON document plumb writes.
type envelope struct {
	SchemaVersion int    `json:"schema_version"`
	Kind          string `json:"kind"`
	Result        any    `json:"result"`
}

func (jsonRenderer) Render(w io.Writer, res any) error {
	k, err := kind(res)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(envelope{SchemaVersion: SchemaVersion, Kind: k, Result: res})
}
