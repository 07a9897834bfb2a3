# `make help` lists the targets. The two a newcomer needs: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help setup run test lint format bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: ## Install everything into .venv
	@scripts/setup

run: setup ## Install, then serve the site on http://127.0.0.1:$${PORT:-5000} (SQLite + embedded search, demo data on first start)
	$(BIN)/flask --app wsgi serve

# Which tests also run on PostgreSQL: every test that reaches the database. The browser tests, the
# relevance sets, the indexer and the taxonomy never do (they run once, on SQLite), and the access
# matrix runs there as a representative subset (every route × role once; SQLite runs all of it),
# which keeps the suite inside CI's budget; `make test PG_TESTS=` runs everything again,
# `PG_TESTS="-m db"` only the database-sensitive tests.
PG_TESTS ?= --ignore=tests/e2e --ignore=tests/relevance --ignore=tests/indexer --ignore=tests/taxonomy
# Both runs use two worker processes (pytest-xdist; CI has two cores): each worker has its own
# databases (its own PostgreSQL cluster), data directories and browser servers, and a test file
# stays on one worker so its module-wide worlds are built once. `make test WORKERS=0` runs in one process.
WORKERS ?= 2
XDIST = $(if $(filter 0,$(WORKERS)),-p no:xdist,-n $(WORKERS) --dist loadfile)
test: setup ## Install, then lint, run the whole test suite on SQLite and again on PostgreSQL
	@scripts/setup-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q $(XDIST) $(PYTEST_ARGS)
	TEST_DATABASE=postgresql $(BIN)/python -m pytest -q $(XDIST) $(PG_TESTS) $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: none selected

lint: setup ## Ruff lint and format check
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup ## Format the code
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup ## Benchmarks (figures, not pass/fail); see bench/README.md
	$(BIN)/python -m bench.run_all
