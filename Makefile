# Taizhang: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The data directory (SQLite file, uploads, generated secret key) of a checkout.
export TAIZHANG_DATA_DIR ?= $(CURDIR)/data
HOST ?= 127.0.0.1:8000

.PHONY: run test lint install install-dev demo coverage

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Taizhang needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the sample ledger and demo accounts (into an empty database
## only: a restart changes nothing), serve on $(HOST)
run: install
	$(BIN)/taizhang migrate --noinput
	$(BIN)/taizhang demo
	TAIZHANG_DEBUG=1 $(BIN)/taizhang serve $(HOST)

## make test: install with the development tools, lint, check the migrations, run the whole
## suite in TEST_WORKERS parallel processes (pytest-xdist; more than the cores, as the browser,
## LibreOffice and command tests wait on other processes) while mypy type-checks beside it
## (its report follows the suite's; either failing fails the target, and so does a run of no
## tests), then the permission gate's own tests with branch coverage, failing unless
## accounts/access.py is covered to 100%
TEST_WORKERS ?= 3
test: export COVERAGE_FILE := $(TAIZHANG_DATA_DIR)/.coverage
test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/taizhang makemigrations --check --dry-run
	log=$$(mktemp); $(BIN)/mypy > "$$log" 2>&1 & typing=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS); tests=$$?; \
	wait $$typing; typed=$$?; echo "mypy:"; cat "$$log"; rm -f "$$log"; \
	test $$tests -eq 0 && test $$typed -eq 0
	$(BIN)/pytest -p no:xdist -q tests/accounts/test_access.py --cov=taizhang.accounts.access \
		--cov-branch --cov-report=term-missing --cov-fail-under=100

## make coverage: the whole suite with branch coverage of the whole package (slower: the
## tracer costs about 40%), a report in the terminal and in $(TAIZHANG_DATA_DIR)/htmlcov
coverage: export COVERAGE_FILE := $(TAIZHANG_DATA_DIR)/.coverage
coverage: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --cov=taizhang --cov-branch --cov-report=term:skip-covered \
		--cov-report=html:$(TAIZHANG_DATA_DIR)/htmlcov

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## make api-fuzz: schemathesis against the API for longer than `make test` does (EXAMPLES a
## generated request kind per operation; see docs/api.md)
.PHONY: api-fuzz
api-fuzz: install-dev
	TAIZHANG_FUZZ_EXAMPLES=$(or $(EXAMPLES),100) $(BIN)/pytest tests/api/test_fuzz.py -q -p no:cacheprovider
