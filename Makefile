# The two commands a newcomer types: `make run` and `make test`.
GO        ?= go
WORKSPACE ?= ./workshop
# The learner's command (the terminal UI, no AWS SDK); build puts the
# engine it starts to run the stages beside it (see cmd/agentcore-workshop).
BIN       := bin/agentcore-workshop

.PHONY: run build test check gofmt-check bench fmt vet fuzz clean

run: build ## open the workshop against the offline sandbox
	./$(BIN) run --workspace $(WORKSPACE) $(ARGS)

build:
	$(GO) build -o bin/ ./cmd/agentcore-workshop ./cmd/agentcore-workshop-engine

test: gofmt-check ## gofmt, vet, and every test with the race detector
	$(GO) vet ./...
	$(call gotest,-race -count=1 -timeout 20m)

check: gofmt-check ## the fast inner loop: vet, and the tests not marked long, no -race
	$(GO) vet ./...
	$(call gotest,-short)
	@echo "(-short: the end-to-end and long process tests did not run; make test runs them)"

gofmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

# gotest runs go test with the given flags over every package, then lists
# the end-to-end tests that skipped because a tool is missing: go test
# without -v does not print skip messages, so each such test appends a line
# to the file in AGENTCORE_WORKSHOP_SKIP_LOG (internal/e2etest). Under
# AGENTCORE_WORKSHOP_REQUIRE_E2E=1 (.ci/run) they fail instead of skipping.
define gotest
	@log=$$(mktemp); \
	AGENTCORE_WORKSHOP_SKIP_LOG="$$log" $(GO) test $(1) ./...; status=$$?; \
	if [ -s "$$log" ]; then \
	  echo; echo "Skipped end-to-end tests (install the package named, then run make test again):"; \
	  sed 's/^/  /' "$$log"; \
	fi; \
	rm -f "$$log"; exit $$status
endef

bench: ## benchmarks beside the code
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

fuzz: ## a short fuzzing pass over every fuzz target
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; \
	  done; \
	done

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
