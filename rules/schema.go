package rules

import (
	"encoding/json"
	"fmt"

	"github.com/plumb-data/plumb/profile"
)

// SchemaID is where editors are told to find the rules file's schema:
// plumb prints it with "plumb schema rules", and a rules file names it in
// a first-line comment:
//
//	# yaml-language-server: $schema=plumb-rules.schema.json
const SchemaID = "https://plumb-data.github.io/schema/plumb-rules.schema.json"

// JSONSchema is the JSON Schema (draft 2020-12) of a rules file, built from
// the tables Parse reads a rules file by, so the two cannot disagree on
// the kinds and keys. Parse checks more than a schema can say (regexes,
// thresholds, bounds of the same kind); the schema is for editors.
func JSONSchema() []byte {
	type obj = map[string]any
	str := obj{"type": "string"}
	strs := obj{"oneOf": []any{str, obj{"type": "array", "items": str, "minItems": 1}}}
	bound := obj{"type": []string{"number", "string"}, "description": "a number, or a date or timestamp like 2024-01-31"}
	threshold := obj{"type": []string{"integer", "string"}, "pattern": `^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$`,
		"description": "a count of failing rows (10) or a share of them (5%)"}
	keyTypes := obj{
		"column": str, "columns": strs, "values": obj{"type": "array", "minItems": 1}, "min": bound, "max": bound,
		"regex": str, "format": obj{"type": "string", "description": "a strptime format, e.g. %d/%m/%Y"},
		"to": obj{"type": "string", "description": "the source whose key the values must exist in"}, "key": str,
		"sql":         obj{"type": "string", "description": "one SQL expression over the columns"},
		"max_age":     obj{"type": "string", "description": "a duration like 36h, 7d or 90m"},
		"allow_extra": obj{"type": "boolean"}, "group_by": strs,
		"name": str, "severity": obj{"enum": []string{string(SeverityError), string(SeverityWarn)}},
		"max_failures": threshold, "where": obj{"type": "string", "description": "one SQL expression: the rows the check applies to"},
		"allow_null": obj{"type": "boolean"}, "ignore_case": obj{"type": "boolean"},
	}
	typeKey := map[Kind]obj{
		Type:     {"enum": Types},
		Semantic: {"enum": profile.SemanticTypes},
	}
	// A name may be a key of several kinds with other types (type: a
	// type or a semantic type), and a kind as well (min: a bound, or the
	// min aggregate): the item's property takes any of them.
	variants := map[string][]any{}
	addVariant := func(name string, v any) {
		for _, have := range variants[name] {
			if fmt.Sprint(have) == fmt.Sprint(v) {
				return
			}
		}
		variants[name] = append(variants[name], v)
	}
	for _, k := range commonKeys {
		addVariant(k, keyTypes[k])
	}
	var oneOf []any
	for _, k := range Kinds {
		args := obj{}
		for _, key := range kindKeys[k] {
			args[key] = keyTypes[key]
			if key == "type" {
				args[key] = typeKey[k]
			}
			addVariant(key, args[key]) // a kind's keys may also stand beside it
		}
		forms := []any{obj{"type": "object", "properties": args, "additionalProperties": false}, obj{"type": "null"}}
		switch k {
		case NotNull, Unique, Schema:
			forms = append(forms, strs)
		case Expression:
			forms = append(forms, keyTypes["sql"])
		}
		addVariant(string(k), obj{"oneOf": forms})
		oneOf = append(oneOf, obj{"required": []string{string(k)}})
	}
	props := obj{}
	for name, vs := range variants {
		props[name] = vs[0]
		if len(vs) > 1 {
			props[name] = obj{"anyOf": vs}
		}
	}
	s := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "plumb rules file",
		"description": "Checks for plumb check: a list of checks, each one kind with its keys. See docs/rules.md.",
		"type":        "object",
		"properties": obj{
			"dataset": str,
			"checks": obj{"type": "array", "items": obj{
				"type": "object", "properties": props, "additionalProperties": false,
				"oneOf": oneOf,
			}},
		},
		"required":             []string{"checks"},
		"additionalProperties": false,
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}
