package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plumb-data/plumb/internal/schematest"
)

// TestSchemaAgreesWithParse: every rules file Parse accepts validates
// against JSONSchema, and files with unknown kinds or keys do not.
func TestSchemaAgreesWithParse(t *testing.T) {
	t.Parallel()
	s := schematest.Compile(t, JSONSchema())
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "check", "*.yaml"))
	docs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = b
	}
	docs["doc example"] = []byte(`dataset: customers
checks:
  - not_null: [customer_id, email]
  - unique: [first_name, last_name, birth_date]
  - accepted_values: {column: status, values: [active, inactive]}
    ignore_case: true
  - range: {column: balance, min: -1000, max: 1000000}
    max_failures: 5%
    severity: warn
    where: "country = 'US'"
  - expression: {sql: "ship_date >= order_date"}
    name: ships after ordering
  - expression: "ship_date >= order_date"
  - type: {column: birth_date, type: date, format: "%d/%m/%Y"}
  - semantic: {column: email, type: email}
  - freshness: {column: signup_ts, max_age: 36h}
  - references: {column: country, to: countries.csv, key: code}
  - duplicate_rows:
  - schema: [customer_id, email]
  - row_count: {min: 1}
  - avg: {column: balance, min: 0, max: 5000, group_by: [country]}
  - missing_percent: {column: email, max: 2%}
`)
	for name, b := range docs {
		if _, err := Parse(b); err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		if err := schematest.Validate(s, b); err != nil {
			t.Errorf("%s parses but does not validate: %v", name, err)
		}
	}
	for _, bad := range []string{
		"checks:\n  - not_a_kind: x\n",
		"checks:\n  - not_null: x\n    colour: red\n",
		"checks:\n  - not_null: x\n    unique: y\n",
		"checks:\n  - type: {column: d, type: colour}\n",
		"checks:\n  - range: {column: x, min: 1}\n    severity: fatal\n",
		"check:\n  - not_null: x\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		}
		if err := schematest.Validate(s, []byte(bad)); err == nil {
			t.Errorf("the schema accepted %q, which Parse refuses", bad)
		}
	}
}
