package dedupe

import "encoding/json"

// SchemaID is where editors are told to find the dedupe config's schema
// (plumb prints it with "plumb schema dedupe"), LinkSchemaID the link
// config's ("plumb schema link").
const (
	SchemaID     = "https://plumb-data.github.io/schema/plumb-dedupe.schema.json"
	LinkSchemaID = "https://plumb-data.github.io/schema/plumb-link.schema.json"
)

// JSONSchema is the JSON Schema (draft 2020-12) of a dedupe config, built
// from the lists Parse checks names against (Normalizers, Comparators),
// so the two cannot disagree. Parse checks more than a schema can say
// (blocking keys are read by DuckDB's parser); the schema is for editors.
func JSONSchema() []byte { return jsonSchema(false) }

// LinkJSONSchema is the JSON Schema of a link config (ParseLink): a
// dedupe config whose id and fields may name a column on each side.
func LinkJSONSchema() []byte { return jsonSchema(true) }

func jsonSchema(link bool) []byte {
	type obj = map[string]any
	str := obj{"type": "string"}
	field := obj{
		"column":         str,
		"normalize":      obj{"oneOf": []any{obj{"enum": Normalizers}, obj{"type": "array", "items": obj{"enum": Normalizers}}}},
		"compare":        obj{"enum": Comparators},
		"term_frequency": obj{"type": "boolean", "description": "weigh an exact agreement by how rare the value is"},
		"swap_with":      obj{"type": "string", "description": "another field this one may be swapped with (first and last name)"},
	}
	fieldItem := obj{"type": "object", "properties": field, "required": []string{"column"}, "additionalProperties": false}
	id, title, desc, sid := any(obj{"type": "string", "description": "the column that identifies a record"}), "plumb dedupe config",
		"How plumb dedupe compares records: fields, blocking rules, threshold. See docs/dedupe.md.", SchemaID
	if link {
		field["left"] = obj{"type": "string", "description": "the field's column in the left source (default: column)"}
		field["right"] = obj{"type": "string", "description": "the field's column in the right source (default: column)"}
		delete(fieldItem, "required")
		fieldItem["anyOf"] = []any{obj{"required": []string{"column"}}, obj{"required": []string{"left", "right"}}}
		id = obj{"oneOf": []any{str, obj{"type": "object", "properties": obj{"left": str, "right": str},
			"required": []string{"left", "right"}, "additionalProperties": false}},
			"description": "the column that identifies a record, or {left, right} where the names differ"}
		title, desc, sid = "plumb link config", "How plumb link pairs the records of two sources: fields and their columns on each side, blocking rules, threshold. See docs/link.md.", LinkSchemaID
	}
	s := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         sid,
		"title":       title,
		"description": desc,
		"type":        "object",
		"properties": obj{
			"id":     id,
			"fields": obj{"type": "array", "minItems": 1, "items": fieldItem},
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
