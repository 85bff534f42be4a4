package job

import (
	"encoding/json"

	"github.com/plumb-data/plumb/rules"
)

// SchemaID is where editors are told to find the job file's schema:
// plumb prints it with "plumb schema job".
const SchemaID = "https://plumb-data.github.io/schema/plumb-job.schema.json"

// JSONSchema is the JSON Schema (draft 2020-12) of a job file, built from
// the tables Parse reads a job file by, so the two cannot disagree on the
// kinds and options. Inline checks are described by the rules file's
// schema.
func JSONSchema() []byte {
	type obj = map[string]any
	str := obj{"type": "string"}
	strs := obj{"oneOf": []any{str, obj{"type": "array", "items": str, "minItems": 1}}}
	var rulesSchema obj
	_ = json.Unmarshal(rules.JSONSchema(), &rulesSchema)
	checks := obj{"type": "array"}
	if p, ok := rulesSchema["properties"].(obj); ok {
		checks = p["checks"].(obj)
	}
	types := map[keyType]any{
		typeString:  str,
		typeStrings: strs,
		typeBool:    obj{"type": "boolean"},
		typeInt:     obj{"type": "integer", "minimum": 0},
		typeNumber:  obj{"type": "number"},
		typeColumns: obj{"oneOf": []any{obj{"type": "boolean"}, strs}},
		typeTolerance: obj{"oneOf": []any{obj{"type": []string{"number", "string"}},
			obj{"type": "object", "additionalProperties": obj{"type": []string{"number", "string"}}}}},
		typeChecks: checks,
		typeSample: obj{"type": []string{"integer", "string"}, "pattern": `^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$`},
	}
	var steps []any
	for _, k := range Kinds {
		props := obj{}
		for _, key := range append(commonKeys, kindKeys[k]...) {
			t := obj{"description": key.doc}
			for name, v := range types[key.typ].(obj) {
				t[name] = v
			}
			props[key.name] = t
		}
		body := obj{"type": "object", "properties": props, "additionalProperties": false,
			"required": append([]string{"source"}, required[k]...)}
		forms := []any{body, obj{"type": "string", "description": "the source, by its name under sources"}}
		steps = append(steps, obj{"type": "object", "properties": obj{string(k): obj{"oneOf": forms}},
			"required": []string{string(k)}, "additionalProperties": false})
	}
	s := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "plumb job file",
		"description": "A job for plumb run: sources by name, and steps. See docs/jobs.md.",
		"type":        "object",
		"properties": obj{
			"name":    obj{"type": "string", "pattern": namePattern.String()},
			"sources": obj{"type": "object", "additionalProperties": str, "minProperties": 1},
			"steps":   obj{"type": "array", "items": obj{"oneOf": steps}, "minItems": 1},
			"anomalies": obj{"type": "object", "additionalProperties": false, "properties": obj{
				"window":    obj{"type": "integer", "minimum": 1, "description": "past runs a metric is scored against (default: 14)"},
				"min_runs":  obj{"type": "integer", "minimum": 1, "description": "past runs a metric needs before it is scored (default: 5)"},
				"threshold": obj{"type": "number", "exclusiveMinimum": 0, "description": "robust deviations from the median that make an anomaly (default: 3)"},
			}},
		},
		"required":             []string{"name", "sources", "steps"},
		"additionalProperties": false,
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}
