# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck bench compare quality clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per install flavour, rebuilt when the package metadata changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

## run: check seeds/ for near-duplicate paragraphs (findings are not a failure here)
run: $(VENV)/.installed-run
	$(BIN)/dedupe check seeds/; status=$$?; [ $$status -le 1 ]

## test: ruff, mypy and the whole pytest suite
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## bench: pytest-benchmark of every hot path and end to end, at 10k and 100k paragraphs
bench: $(VENV)/.installed-bench
	$(BIN)/pytest benchmarks/ --benchmark-only --benchmark-columns=min,median,max,rounds

## compare: dedupe, gaoya, fastsketchlsh, rensa and datasketch on 100k paragraphs (docs/benchmarks.md)
compare: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.compare --sizes 100000

## quality: recall of edited copies and false clusters on real text, vs datasketch and rensa
quality: $(VENV)/.installed-bench
	mkdir -p .benchmarks
	$(BIN)/python -m benchmarks.quality --speed --json .benchmarks/quality.json
	$(BIN)/python -m benchmarks.plot_quality .benchmarks/quality.json docs/tuning.png

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks
