# Two entry points for a fresh machine: `make run` (the web chat) and `make test`.
# Each creates .venv on first use; torch is pinned to the CPU build found on this machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint fit bench bench-load eval index clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[test,qdrant,ray,lint,ocr]"
	touch $(STAMP)

run: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/qa serve

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

test-fast: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not model and not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check qa ui tests bench scripts
	$(BIN)/ruff format --check qa ui tests bench scripts
	$(BIN)/mypy

# Refit every shipped model from its script and data; the tree is unchanged when nothing moved.
fit: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[fit]"
	HF_HUB_OFFLINE=1 $(BIN)/python -m scripts.fit_verdict
	HF_HUB_OFFLINE=1 $(BIN)/python -m scripts.fit_chinese_ranking
	git diff --stat --exit-code qa/answer/fitted

bench-load: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.load_report

eval: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/qa eval tests/data/eval/dev.jsonl tests/data/eval/dev-unanswerable.jsonl

# Every phase -> results/bench.{md,json}; e.g. make bench BENCH_ARGS="--skip backends ray" (see README, Speed).
bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run $(BENCH_ARGS)

index: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/qa index

clean:
	rm -rf $(VENV) index .pytest_cache bench/out
