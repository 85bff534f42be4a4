// Command synth writes a seeded, messy customer extract (CSV) and the
// ground truth of what it injected, for tests and benchmarks:
//
//	go run ./cmd/synth -rows 5000000 -mess -malformed 0.001 -o big.csv -truth big.truth.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/plumb-data/plumb/internal/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	var cfg synth.Config
	fs.IntVar(&cfg.Rows, "rows", 1000, "data rows to write")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed; the same seed writes the same bytes")
	fs.BoolVar(&cfg.Mess, "mess", true, "inject duplicates, sentinels, blanks, case and format variants")
	fs.Float64Var(&cfg.Malformed, "malformed", 0, "share of rows written with a wrong number of fields")
	fs.BoolVar(&cfg.Entity, "entity", false, "add an entity_id column labelling which records are the same customer")
	out := fs.String("o", "-", "CSV output file (- for stdout)")
	truthPath := fs.String("truth", "", "write the ground truth as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	truth, err := synth.Write(w, cfg)
	if err != nil {
		return err
	}
	if *truthPath != "" {
		b, err := json.MarshalIndent(truth, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*truthPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
