# Everything a fresh machine needs: `make run` and `make test` install what they use first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint unit bench contract drift demo test-thorough clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

## Start the emulator on 127.0.0.1:8080 (pass options with ARGS="--clock 2026-03-18T09:00:00Z").
run: $(STAMP)
	$(BIN)/bankfeeds-mock serve $(ARGS)

## Lint, type-check and run the whole suite.
test: $(DEV_STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(DEV_STAMP)
	$(BIN)/ruff check mock_server contracts tests benchmarks
	$(BIN)/mypy

## The property suite with many more examples (nightly): HYPOTHESIS_PROFILE=thorough, see tests/properties;
## and the hostile-input suite with over 10,000 generated requests (tests/http/hostile/budget.py).
test-thorough: $(DEV_STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -n 2 tests/properties tests/http/hostile

## schemathesis against a fresh emulator, every phase and check (ARGS="--base-url URL --api-key KEY" for another server).
contract: $(DEV_STAMP)
	$(BIN)/python -m contracts run $(ARGS)

## Our OpenAPI document against Codat's (UPSTREAM=path/to/Codat-Bank-Feeds.yaml).
UPSTREAM ?= ../shared/reference/Codat-Bank-Feeds.yaml
drift: $(DEV_STAMP)
	$(BIN)/python -m contracts drift --upstream $(UPSTREAM)

## Codat's QBO bank-feeds tutorial, step by step, with the official SDK (ARGS="--url http://127.0.0.1:8080" to use a running emulator).
demo: $(DEV_STAMP)
	$(BIN)/bankfeeds-mock demo $(ARGS)

## Benchmarks: figures, not pass/fail.
bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
