# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck bench quality clean

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

## run: check seeds/ for near-duplicate paragraphs (findings are not a failure here)
run: $(VENV)/.installed-run
	$(BIN)/dedupe check seeds/; status=$$?; [ $$status -le 1 ]

## test: ruff, mypy and the whole pytest suite
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

$(VENV)/.installed-quality: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[quality]'
	touch $@

## quality: recall of edited copies and false clusters on real text, vs datasketch and rensa
quality: $(VENV)/.installed-quality
	mkdir -p .benchmarks
	$(BIN)/python -m benchmarks.quality --speed --json .benchmarks/quality.json
	$(BIN)/python -m benchmarks.plot_quality .benchmarks/quality.json docs/tuning.png

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks
