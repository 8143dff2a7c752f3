# Thin targets: each one is a command line or two. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
BASE_URL ?=
PORT ?= 8080
STRICT ?=
FUZZ_EXAMPLES ?=
FUZZ_SEED ?=
JOBS ?=
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
# Cached bytecode (and pytest's cached assertion rewrites) make every child pytest start seconds faster.
unexport PYTHONDONTWRITEBYTECODE
export STRICT
export FUZZ_EXAMPLES
export FUZZ_SEED

.PHONY: help install prism contract test package-check interop fuzz mock record replay bench soak lint typecheck check clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

# Two environments in one venv: what a gate needs (runtime), and this project's own tooling on top (dev).
$(RUNTIME): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(PY) -m pip install --quiet -e '.[dev,server]'
	@touch $(STAMP) $(SERVER_STAMP)

install: $(STAMP) ## create or reuse .venv with the tool and this project's dev tooling

PRISM := interop/prism/node_modules/.bin/prism
$(PRISM): interop/prism/package-lock.json
	npm ci --prefix interop/prism --no-audit --no-fund --loglevel=error

prism: ## install the lock-pinned Stoplight Prism into interop/prism (skipped with a reason without npm)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(PRISM); else echo "skip: npm not found, Prism not installed"; fi

contract: $(RUNTIME) ## judge the target (BASE_URL=..., default: the embedded reference mock; JOBS=n); see README for exit codes
	$(PY) -m zuora_contract run $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) ## run the project's own tests: unit, mock, suite vs the mock, mutants and correct variants, interop
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/unit src/zuora_contract/suite -n 2
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/mutants -n 2
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/sdk
	$(MAKE) --no-print-directory replay
	$(MAKE) --no-print-directory interop

package-check: $(STAMP) ## pip install this repository into a new venv elsewhere and run the gate there (slow)
	$(PY) -m pytest tests/package -p no:randomly

interop: $(STAMP) ## run the suite as a user against Prism (static, dynamic; needs `make prism`) and a lazy stateless server
	env -u ZUORA_BASE_URL $(PY) -m pytest tests/interop -n 2 --dist loadgroup -p no:randomly

fuzz: $(RUNTIME) ## run only the schemathesis fuzz rules (FUZZ_EXAMPLES=300 by default here, FUZZ_SEED=, FUZZ_RATE=)
	$(PY) -m zuora_contract run --fuzz --family fuzz --fuzz-examples $${FUZZ_EXAMPLES:-300}

$(SERVER_STAMP): $(RUNTIME) pyproject.toml
	$(PY) -m pip install --quiet -e '.[server]'
	@touch $@


mock: $(RUNTIME) $(if $(filter granian,$(SERVER)),$(SERVER_STAMP)) ## serve the reference mock on 127.0.0.1 (PORT=8080 SERVER=granian|stdlib FAULT_RATE= LATENCY_MS=)
	$(PY) -m zuora_contract mock --host 127.0.0.1 --port $(PORT) $(strip $(MOCK_FLAGS))

record: $(RUNTIME) ## re-record cassettes against the target (BASE_URL=..., default: the embedded mock) into cassettes/
	mkdir -p cassettes && find cassettes -mindepth 1 -maxdepth 1 -type d ! -name documented -exec rm -rf {} + && $(PY) -m pytest --pyargs zuora_contract.suite -m "not fuzz" -p no:randomly --record-mode=rewrite

replay: $(RUNTIME) ## replay cassettes offline with the network blocked (reports in reports/replay)
	env -u ZUORA_BASE_URL ZUORA_REPORT_DIR=reports/replay $(PY) -m pytest --pyargs zuora_contract.suite -m "not fuzz" -p no:randomly --record-mode=none --block-network

bench: $(STAMP) $(SERVER_STAMP) ## fuzz cases/s (suite vs st run), mock vs Prism (wrk), idle connections, short soak; reports/bench.json
	$(PY) benchmarks/bench.py

soak: $(STAMP) $(SERVER_STAMP) ## a million executes against the mock: memory and worst latency (SOAK_EXECUTES= SOAK_SERVER=)
	$(PY) benchmarks/soak.py

lint: $(STAMP) ## ruff check, format check, and the import contracts (pyproject.toml [tool.importlinter])
	$(PY) -m ruff check src tests benchmarks examples && $(PY) -m ruff format --check src tests benchmarks examples
	$(VENV)/bin/lint-imports

typecheck: $(STAMP) ## mypy --strict on src/
	$(PY) -m mypy

check: lint typecheck test ## lint, types and every test: what CI runs

clean: ## remove the virtualenv and generated reports
	rm -rf $(VENV) reports
