# plumb's everyday verbs. duckdb-go's Arrow interface is opt-in, so every
# Go command here passes -tags duckdb_arrow; a build without it fails.
GO      ?= go
TAGS    := -tags duckdb_arrow
BENCH_ROWS ?= 5000000
DEDUPE_ROWS ?= 1000000

.PHONY: build test race bench fmt lint check fuzz golden

build:
	$(GO) build $(TAGS) -o plumb ./cmd/plumb

test:
	$(GO) test $(TAGS) ./...

# The packages whose Go code runs on DuckDB's threads, under the race detector.
race:
	$(GO) test -race $(TAGS) ./engine ./profile ./dedupe

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
	@command -v staticcheck >/dev/null || test -x "$$($(GO) env GOPATH)/bin/staticcheck" || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck $(TAGS) ./...
	bash .ci/imports

# Rewrite every golden file and generated fixture (internal/golden's
# -update, in the packages whose tests use it); review the diff.
golden:
	$(GO) test $(TAGS) $$($(GO) list $(TAGS) -f '{{.ImportPath}} {{join .TestImports " "}}' ./... | grep internal/golden | cut -d' ' -f1) -update

# Every fuzz target of every package, found with go test -list, each for
# FUZZTIME.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(TAGS) ./...); do \
	  for target in $$($(GO) test $(TAGS) -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "--- $$pkg $$target"; \
	    $(GO) test $(TAGS) -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# What CI runs.
check: lint test race
