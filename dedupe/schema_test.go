package dedupe

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plumb-data/plumb/internal/schematest"
)

// TestSchemaAgreesWithParse: every config Parse accepts validates against
// JSONSchema, and configs with unknown keys, normalizers or comparators
// do not.
func TestSchemaAgreesWithParse(t *testing.T) {
	t.Parallel()
	s := schematest.Compile(t, JSONSchema())
	for _, name := range []string{"dedupe.yaml", "crm.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		if err := schematest.Validate(s, b); err != nil {
			t.Errorf("%s parses but does not validate: %v", name, err)
		}
	}
	if err := schematest.Validate(s, []byte(issueConfig)); err != nil {
		t.Errorf("the documented config does not validate: %v", err)
	}
	for _, bad := range []string{
		"fields: [{column: a, compare: fuzzy}]\nblocking: [[a]]\n",
		"fields: [{column: a, normalize: [shout]}]\nblocking: [[a]]\n",
		"fields: [{column: a, colour: red}]\nblocking: [[a]]\n",
		"fields: [{column: a}]\nblocking: [[a]]\nthreshold: 1.5\n",
		"fields: [{column: a}]\n",
		"fields: [{column: a}]\nblocking: [[a]]\nextra: 1\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		}
		if err := schematest.Validate(s, []byte(bad)); err == nil {
			t.Errorf("the schema accepted %q, which Parse refuses", bad)
		}
	}
}

// TestLinkSchemaAgreesWithParseLink: the link configs ParseLink accepts
// validate against LinkJSONSchema, and those it refuses do not.
func TestLinkSchemaAgreesWithParseLink(t *testing.T) {
	t.Parallel()
	s := schematest.Compile(t, LinkJSONSchema())
	for _, name := range []string{"link.yaml", "link_same.yaml", "dedupe.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseLink(b); err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		if err := schematest.Validate(s, b); err != nil {
			t.Errorf("%s parses but does not validate: %v", name, err)
		}
	}
	for _, bad := range []string{
		"id: {left: a}\nfields: [{column: a}]\nblocking: [[a]]\n",
		"fields: [{right: a}]\nblocking: [[a]]\n",
		"fields: [{column: a, middle: b}]\nblocking: [[a]]\n",
	} {
		if _, err := ParseLink([]byte(bad)); err == nil {
			t.Errorf("ParseLink accepted %q", bad)
		}
		if err := schematest.Validate(s, []byte(bad)); err == nil {
			t.Errorf("the schema accepted %q, which ParseLink refuses", bad)
		}
	}
	// A dedupe config names one column per field.
	if err := schematest.Validate(schematest.Compile(t, JSONSchema()), []byte("fields: [{column: a, right: b}]\nblocking: [[a]]\n")); err == nil {
		t.Error("the dedupe schema accepted a right column")
	}
}
