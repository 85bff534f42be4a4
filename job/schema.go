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
		typeFile:   obj{"type": "string", "pattern": `^[A-Za-z0-9][A-Za-z0-9._-]*\.(csv|parquet|pq|ndjson|jsonl)$`},
		typeSample: obj{"type": []string{"integer", "string"}, "pattern": `^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$`},
	}
	var eventNames []string
	for _, e := range Events {
		eventNames = append(eventNames, string(e))
	}
	event := obj{"enum": eventNames}
	events := obj{"description": "events that make an alert (default: failure, anomaly, recovery)",
		"oneOf": []any{event, obj{"type": "array", "items": event}}}
	duration := func(doc string) obj {
		return obj{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`, "description": doc}
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
				"window":      obj{"type": "integer", "minimum": 1, "description": "past runs a metric is scored against (default: 14)"},
				"min_runs":    obj{"type": "integer", "minimum": 1, "description": "past runs a metric needs before it is scored (default: 5)"},
				"threshold":   obj{"type": "number", "exclusiveMinimum": 0, "description": "robust deviations from the median that make an anomaly (default: 3)"},
				"seasonality": obj{"enum": []string{DayOfWeek, "none"}, "description": "day_of_week: score a metric against the runs on the same weekday only"},
				"metrics": obj{"type": "array", "description": "rules for the metrics they match (later rules win)", "items": obj{
					"type": "object", "additionalProperties": false, "properties": obj{
						"step":      obj{"type": "string", "description": "match this step (default: every step)"},
						"metric":    obj{"type": "string", "description": "match this metric, e.g. only_in_source"},
						"column":    obj{"type": "string", "description": "match this column's metrics"},
						"check":     obj{"type": "string", "description": "match this check's metrics"},
						"threshold": obj{"type": "number", "exclusiveMinimum": 0, "description": "robust deviations that make an anomaly"},
						"min_runs":  obj{"type": "integer", "minimum": 1, "description": "past runs needed before scoring"},
						"min":       obj{"type": "number", "description": "a value below is an anomaly, whatever the history"},
						"max":       obj{"type": "number", "description": "a value above is an anomaly, whatever the history"},
						"ignore":    obj{"type": "boolean", "description": "never score the metric"},
					}}},
			}},
			"notify": obj{"type": "object", "additionalProperties": false, "required": []string{"webhooks"}, "properties": obj{
				"webhooks": obj{"type": "array", "minItems": 1, "items": obj{"type": "object", "additionalProperties": false, "required": []string{"url"}, "properties": obj{
					"name":   obj{"type": "string", "pattern": namePattern.String(), "description": "names the webhook in summaries and the alert state (default: webhook-N)"},
					"url":    obj{"type": "string", "description": "http(s) URL to post to; keep its secret in the environment: ${SLACK_WEBHOOK}"},
					"format": obj{"enum": []string{FormatJSON, FormatSlack}, "description": "json (plumb's alert document, the default) or slack (text and blocks)"},
					"on":     events,
				}}},
				"on":       events,
				"suppress": duration("do not repeat an alert of the same thing within this long, e.g. 24h (default: 0, repeat every run)"),
				"timeout":  duration("time allowed per webhook, retries included (default: 30s)"),
				"backoff":  duration("wait before the first retry, doubled each time (default: 1s)"),
				"retries":  obj{"type": "integer", "minimum": 0, "description": "retries of a failed delivery (default: 3)"},
			}},
			"retain": obj{"type": "object", "additionalProperties": false, "properties": obj{
				"runs": obj{"type": "integer", "minimum": 1, "description": "keep the newest this many runs"},
				"days": obj{"type": "integer", "minimum": 1, "description": "keep the runs of the last this many days"},
			}},
		},
		"required":             []string{"name", "sources", "steps"},
		"additionalProperties": false,
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}
