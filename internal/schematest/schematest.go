// Package schematest validates YAML documents against plumb's JSON
// Schemas in tests, so that a schema and the parser it describes are held
// to the same files. Only tests import it.
package schematest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Compile compiles a schema document.
func Compile(t testing.TB, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// Validate reads a YAML document as JSON would and validates it.
func Validate(s *jsonschema.Schema, yamlDoc []byte) error {
	var v any
	if err := yaml.Unmarshal(yamlDoc, &v); err != nil {
		return err
	}
	// Through JSON, so that numbers and maps have the types the
	// validator expects.
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}
