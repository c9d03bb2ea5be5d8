# The two commands a newcomer types: `make run` and `make test`.
GO        ?= go
WORKSPACE ?= ./workshop
BIN       := bin/agentcore-workshop

.PHONY: run build test test-short bench fmt vet fuzz clean

run: build ## open the workshop against the offline sandbox
	./$(BIN) run --workspace $(WORKSPACE) $(ARGS)

build:
	$(GO) build -o $(BIN) ./cmd/agentcore-workshop

test: ## gofmt, vet, and every test with the race detector
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

test-short:
	$(GO) test -count=1 ./...

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
