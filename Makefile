# Thin targets: each one is a command line or two. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BASE_URL ?=
PORT ?= 8080
STRICT ?=
FUZZ_EXAMPLES ?=
FUZZ_SEED ?=
# Fault injection for `make mock` (empty: none), e.g. FAULT_RATE=0.2 LATENCY_MS=50.
FAULT_RATE ?=
FAULT_STATUSES ?=
FAULT_SEED ?=
LATENCY_MS ?=
# The mock's HTTP server for `make mock`: granian (measured fastest, `server` extra) or stdlib (no dependencies).
SERVER ?= granian
SERVER_STAMP := $(VENV)/.server-installed
MOCK_FLAGS = --server $(SERVER) $(if $(FAULT_RATE),--fault-rate $(FAULT_RATE)) $(if $(FAULT_STATUSES),--fault-statuses $(FAULT_STATUSES)) \
	$(if $(FAULT_SEED),--fault-seed $(FAULT_SEED)) $(if $(LATENCY_MS),--latency-ms $(LATENCY_MS))

export ZUORA_BASE_URL := $(or $(BASE_URL),$(ZUORA_BASE_URL))
export STRICT
export FUZZ_EXAMPLES
export FUZZ_SEED

.PHONY: help install prism contract test fuzz mock record replay bench soak lint typecheck check clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create or reuse .venv with everything installed

PRISM := interop/prism/node_modules/.bin/prism
$(PRISM): interop/prism/package-lock.json
	npm ci --prefix interop/prism --no-audit --no-fund --loglevel=error

prism: ## install the lock-pinned Stoplight Prism into interop/prism (skipped with a reason without npm)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(PRISM); else echo "skip: npm not found, Prism not installed"; fi

contract: $(STAMP) ## check the target (BASE_URL=..., default: the embedded reference mock)
	$(PY) -m pytest tests/contract -p no:randomly --junitxml=reports/junit.xml -o junit_family=xunit2 --disable-recording

test: $(STAMP) ## run the project's own tests: unit, mock, suite vs the mock, mutant detection
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/unit tests/contract
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/mutants -n 2
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/sdk
	$(MAKE) --no-print-directory replay

fuzz: $(STAMP) ## run only the schemathesis fuzz tests (FUZZ_EXAMPLES=300 by default here, FUZZ_SEED=, FUZZ_RATE=)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest tests/contract -m fuzz -p no:randomly --disable-recording

$(SERVER_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[server]'
	@touch $@

mock: $(STAMP) $(if $(filter granian,$(SERVER)),$(SERVER_STAMP)) ## serve the reference mock on 127.0.0.1 (PORT=8080 SERVER=granian|stdlib FAULT_RATE= LATENCY_MS=)
	$(PY) -m zuora_mock --host 127.0.0.1 --port $(PORT) $(strip $(MOCK_FLAGS))

record: $(STAMP) ## re-record cassettes against the target (BASE_URL=..., default: the embedded mock) into cassettes/
	mkdir -p cassettes && find cassettes -mindepth 1 -maxdepth 1 -type d ! -name documented -exec rm -rf {} + && $(PY) -m pytest tests/contract -m "not fuzz" -p no:randomly --record-mode=rewrite

replay: $(STAMP) ## replay cassettes offline with the network blocked (reports in reports/replay)
	env -u ZUORA_BASE_URL ZUORA_REPORT_DIR=reports/replay $(PY) -m pytest tests/contract -m "not fuzz" -p no:randomly --record-mode=none --block-network

bench: $(STAMP) $(SERVER_STAMP) ## fuzz cases/s (suite vs st run), mock vs Prism (wrk), idle connections, short soak; reports/bench.json
	$(PY) benchmarks/bench.py

soak: $(STAMP) $(SERVER_STAMP) ## a million executes against the mock: memory and worst latency (SOAK_EXECUTES= SOAK_SERVER=)
	$(PY) benchmarks/soak.py

lint: $(STAMP) ## ruff check and format check
	$(PY) -m ruff check src tests benchmarks && $(PY) -m ruff format --check src tests benchmarks

typecheck: $(STAMP) ## mypy --strict on src/
	$(PY) -m mypy

check: lint typecheck test ## lint, types and every test: what CI runs

clean: ## remove the virtualenv and generated reports
	rm -rf $(VENV) reports
