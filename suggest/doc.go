// Package suggest proposes a rules file from a profile of a source, and
// tries each proposed check on the data it came from, so that the
// suggestion passes there.
//
//	p, err := profile.Run(ctx, db, t, profile.Options{Top: 25})
//	s, err := suggest.Run(ctx, db, t, p)
//	err = s.WriteYAML(os.Stdout) // a rules file for rules.Parse
//
// It proposes not_null where there are no nulls, unique for key
// candidates, accepted_values for low-cardinality columns, range from min
// and max, type, semantic type, pattern from a dominant shape, length,
// row count, duplicate rows and schema, each under a comment giving its
// evidence. A check that a few rows fail today (at most 5%) gets a
// max_failures just above their share; one that more fail is left out
// and listed at the end of the file.
//
// It is the one package that reads both a profile and rules: rules
// checks data, profile describes it, and suggest turns the one into the
// other.
package suggest
