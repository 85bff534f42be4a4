# plumb's everyday verbs. duckdb-go's Arrow interface is opt-in, so every
# Go command here passes -tags duckdb_arrow; a build without it fails.
GO      ?= go
TAGS    := -tags duckdb_arrow
BENCH_ROWS ?= 5000000
DEDUPE_ROWS ?= 1000000

.PHONY: build test race bench fmt lint check fuzz

build:
	$(GO) build $(TAGS) -o plumb ./cmd/plumb

test:
	$(GO) test $(TAGS) ./...

# The packages whose Go code runs on DuckDB's threads, under the race detector.
race:
	$(GO) test -race $(TAGS) ./engine ./profile

# Times load, profile, check and diff against DuckDB doing the same on
# generated extracts (the ratio is the x_duckdb metric) and dedupe end to
# end with its F1 against the generator's labels. BENCH_ROWS=500000 DEDUPE_ROWS=100000 for a quick run.
bench:
	PLUMB_BENCH_ROWS=$(BENCH_ROWS) PLUMB_BENCH_DEDUPE_ROWS=$(DEDUPE_ROWS) $(GO) test $(TAGS) -run '^$$' -bench . -benchtime 3x -timeout 60m ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: files above need formatting (make fmt)'; exit 1; }
	$(GO) vet $(TAGS) ./...

fuzz:
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseSource -fuzztime 30s ./engine
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseChar -fuzztime 30s ./engine
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseMapping -fuzztime 30s ./reconcile
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseConfig -fuzztime 30s ./dedupe
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzNormalize -fuzztime 30s ./dedupe
	$(GO) test $(TAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 30s ./rules
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzAddMatchesReference -fuzztime 30s ./profile
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseNumber -fuzztime 30s ./profile

# What CI runs.
check: lint test race
