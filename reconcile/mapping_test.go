package reconcile

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMappingFileOrigins(t *testing.T) {
	t.Parallel()
	in := "source_field,target_field,transformation\nid,cust_id,\n\nname,full_name,\"first || ' ' || last\"\n  mail , email ,  lower(mail)\n"
	pairs, origins, err := ParseMappingFile(strings.NewReader(in), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"m.csv:2:12", "m.csv:4:16", "m.csv:5:19"}; !slices.Equal(origins, want) || len(pairs) != 3 {
		t.Errorf("got origins %q for %d pairs, want %q", origins, len(pairs), want)
	}
}

// FuzzParseMappingFile checks that ParseMappingFile reads what
// ParseMapping reads, with one origin in the named file per row.
func FuzzParseMappingFile(f *testing.F) {
	f.Add("source_field,transformation,target_field\nid,,cust_id\n")
	f.Add("source_field,transformation,target_field\na,\"lower(x)\",b\n\nc,\"x\ny\",d\n")
	f.Add("target_field,source_field\na,b\n")
	f.Fuzz(func(t *testing.T, in string) {
		pairs, origins, err := ParseMappingFile(strings.NewReader(in), "m.csv")
		want, wantErr := ParseMapping(strings.NewReader(in))
		if (err == nil) != (wantErr == nil) || !slices.Equal(pairs, want) {
			t.Fatalf("ParseMappingFile = %+v, %v; ParseMapping = %+v, %v", pairs, err, want, wantErr)
		}
		if len(origins) != len(pairs) {
			t.Fatalf("%d origins for %d pairs", len(origins), len(pairs))
		}
		for _, o := range origins {
			if !strings.HasPrefix(o, "m.csv:") {
				t.Fatalf("origin %q is not in m.csv", o)
			}
		}
	})
}
