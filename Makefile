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

## make test: install with the development tools, lint, check the migrations, then three things
## side by side: the suite in TEST_WORKERS parallel processes (pytest-xdist), mypy, and the
## permission gate's own tests with branch coverage, failing unless accounts/access.py is
## covered to 100% (those tests run there only, not in the suite as well). The reports of mypy
## and of the gate follow the suite's; any of the three failing fails the target, and so does a
## run of no tests. The gate's run builds its test database through the migrations, so every
## migration is still applied to an empty database; the suite's workers build theirs from the
## models (--no-migrations: 2-3 s less each), which makemigrations --check has found to agree.
## TEST_WORKERS is at least 1 (the gate's run has the database name of an unsplit run); two
## use less CPU than three on two cores, for the same time (docs/benchmarks.md).
TEST_WORKERS ?= 2
GATE_TESTS := tests/accounts/test_access.py
# Compiled modules are kept (in __pycache__, which git ignores) even where the environment says
# not to (PYTHONDONTWRITEBYTECODE, common in containers): without them each test process compiles
# the project and the tests again, and pytest rewrites the asserts of its plugins' packages
# (hypothesis, schemathesis) again, several seconds of CPU a process.
KEEP_BYTECODE := PYTHONDONTWRITEBYTECODE=
test: export COVERAGE_FILE := $(TAIZHANG_DATA_DIR)/.coverage
test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(KEEP_BYTECODE) $(BIN)/taizhang makemigrations --check --dry-run
	typing=$$(mktemp); gate=$$(mktemp); \
	$(BIN)/mypy > "$$typing" 2>&1 & typing_pid=$$!; \
	$(KEEP_BYTECODE) $(BIN)/pytest -p no:xdist -q $(GATE_TESTS) --cov=taizhang.accounts.access \
		--cov-branch --cov-report=term-missing --cov-fail-under=100 > "$$gate" 2>&1 & gate_pid=$$!; \
	$(KEEP_BYTECODE) $(BIN)/pytest -n $(TEST_WORKERS) --no-migrations --ignore=$(GATE_TESTS); \
		tests=$$?; \
	wait $$typing_pid; typed=$$?; wait $$gate_pid; gated=$$?; \
	echo "mypy:"; cat "$$typing"; echo "The permission gate's tests and coverage:"; cat "$$gate"; \
	rm -f "$$typing" "$$gate"; \
	test $$tests -eq 0 && test $$typed -eq 0 && test $$gated -eq 0

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
