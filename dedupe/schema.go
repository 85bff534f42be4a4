package dedupe

import "encoding/json"

// SchemaID is where editors are told to find the dedupe config's schema
// (plumb prints it with "plumb schema dedupe").
const SchemaID = "https://plumb-data.github.io/schema/plumb-dedupe.schema.json"

// JSONSchema is the JSON Schema (draft 2020-12) of a dedupe config, built
// from the lists Parse checks names against (Normalizers, Comparators),
// so the two cannot disagree. Parse checks more than a schema can say
// (blocking keys are read by DuckDB's parser); the schema is for editors.
func JSONSchema() []byte {
	type obj = map[string]any
	str := obj{"type": "string"}
	s := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "plumb dedupe config",
		"description": "How plumb dedupe compares records: fields, blocking rules, threshold. See docs/dedupe.md.",
		"type":        "object",
		"properties": obj{
			"id": obj{"type": "string", "description": "the column that identifies a record"},
			"fields": obj{"type": "array", "minItems": 1, "items": obj{
				"type": "object",
				"properties": obj{
					"column":    str,
					"normalize": obj{"oneOf": []any{obj{"enum": Normalizers}, obj{"type": "array", "items": obj{"enum": Normalizers}}}},
					"compare":   obj{"enum": Comparators},
				},
				"required":             []string{"column"},
				"additionalProperties": false,
			}},
			// A rule's keys are read from the YAML as written, so that
			// a flow list like [substr(first_name, 1, 3), zip] keeps the
			// commas inside a call: to YAML it holds scalars of any kind.
			"blocking": obj{"type": "array", "minItems": 1, "items": obj{"oneOf": []any{str,
				obj{"type": "array", "minItems": 1, "items": obj{"type": []string{"string", "number", "boolean"}}}}},
				"description": "candidate pairs agree on every key of at least one rule; a key is a column or one SQL expression over the columns"},
			"threshold": obj{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
				"description": "the match probability a pair needs to be linked"},
			"max_pairs": obj{"type": "integer", "minimum": 1,
				"description": "the most candidate pairs one blocking rule may produce (default 25,000,000)"},
		},
		"required":             []string{"fields", "blocking"},
		"additionalProperties": false,
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}
