package rules

import (
	"context"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/profile"
)

// semanticSQL returns SQL that says whether the text v is of a semantic
// type, judged exactly as the profile judges it (profile.IsSemantic; a
// test holds the two together). Types that SQL states plainly run in
// DuckDB; the others call the profile's own Go code through a function
// registered with the session, which costs more per row.
func semanticSQL(ctx context.Context, db *engine.DB, typ, v string) (string, error) {
	const notInEmail = `[^@ \t,;<>]`
	email := "regexp_full_match(" + v + ", '" + notInEmail + "+@" + notInEmail + "+\\." + `[^@ \t,;<>.]` + "{2,}')"
	switch typ {
	case "email":
		return email, nil
	case "url":
		return "((starts_with(" + v + ", 'http://') OR starts_with(" + v + ", 'https://') OR starts_with(" + v + ", 'www.')) AND NOT " + email + ")", nil
	case "uuid":
		return "regexp_full_match(" + v + ", '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')", nil
	case "ipv4":
		octet := `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`
		return "regexp_full_match(" + v + ", '" + octet + `(\.` + octet + "){3}')", nil
	case "country_code":
		return v + " IN " + inList(profile.CountryCodes()), nil
	case "boolean_like":
		return "(strlen(" + v + ") <= 5 AND (lower(" + v + ") IN ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n') OR " + v + " IN ('0', '1')))", nil
	}
	name := "plumb_is_" + strings.ReplaceAll(typ, "-", "_")
	if err := db.RegisterPredicate(ctx, name, func(s string) bool { return profile.IsSemantic(typ, s) }); err != nil {
		return "", err
	}
	return name + "(" + v + ")", nil
}
