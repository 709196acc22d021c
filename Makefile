# presskit — `make demo` and `make test` are all a fresh Debian machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.presskit-installed
EXAMPLES := examples/content
DEMO_POSTS := zh/blog/2023/istio-graduates-within-cncf/index.md \
              en/blog/2023/istio-graduates-within-cncf/index.md
# The demo kit is shown as journalists got it: the day before its embargo lifts.
DEMO_AS_OF := 2023-07-11T09:00:00-07:00

.PHONY: all setup system demo test lint format bench clean
all: demo

system:
	@bash .ci/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: system $(STAMP)

demo: setup
	@mkdir -p build
	@for post in $(DEMO_POSTS); do \
	  lang=$${post%%/*}; \
	  $(BIN)/presskit render $(EXAMPLES)/$$post --config examples/presskit.toml --as-of $(DEMO_AS_OF) \
	    -o build/$$lang/istio-graduates-within-cncf.pdf || exit 1; \
	done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest -q -n auto

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf build dist .pytest_cache .ruff_cache

# Cold processes are part of what is measured: they load compiled modules as a user's do, so a
# shell's PYTHONDONTWRITEBYTECODE (which makes every run compile presskit's sources) is unset.
bench: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python bench/run.py $(BENCH_ARGS)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python bench/preview.py
	PYTHONDONTWRITEBYTECODE= $(BIN)/python bench/kit.py $(KIT_BENCH_ARGS)
