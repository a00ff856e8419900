# Two commands do everything: `make reports` and `make test`. Each bootstraps the environment
# (a pinned uv in .tools/, then the locked dependencies in .venv/) the first time and does
# nothing extra afterwards: the install step reruns only when pyproject.toml or uv.lock change.
# `make` alone lists every target.

PYTHON      ?= python3
VENV        := .venv
TOOLS       := .tools
UV          := $(TOOLS)/bin/uv
UV_VERSION  := 0.13.9
STAMP       := $(VENV)/.installed
KERNEL      := hima-analytics
BIN         := $(VENV)/bin
SOURCES     := hima_analytics tests benchmarks notebooks

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS    := never
export PYTHONDONTWRITEBYTECODE :=

.DEFAULT_GOAL := help
.PHONY: help install test test-fast lint format typecheck reports pdf lab bench clean

help:  ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP)  ## Create .venv with the locked dependencies (done by every other target)

$(UV):
	@$(PYTHON) -m venv $(TOOLS) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; \
	  apt-get install -y -q python3-venv >/dev/null && $(PYTHON) -m venv $(TOOLS); }
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	@echo "Installing the locked environment into $(VENV) (first run only)..."
	@$(UV) sync --frozen --all-extras --all-groups --python $(PYTHON) --quiet
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
	  --display-name "Python (hima_analytics)" >/dev/null
	@touch $(STAMP)

test: $(STAMP) lint typecheck  ## Lint, type-check and run every test (kernels and browser included)
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## The tests that need no kernel or browser (under a minute)
	$(BIN)/python -m pytest -m "not kernel and not browser"

lint: $(STAMP)  ## Ruff: lint and check formatting (notebooks included)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

format: $(STAMP)  ## Ruff: fix what can be fixed and format the code and notebooks
	$(BIN)/ruff check --fix $(SOURCES)
	$(BIN)/ruff format $(SOURCES)

typecheck: $(STAMP)  ## mypy on metrics, statistics and display
	$(BIN)/mypy

reports: $(STAMP)  ## Build every report into reports/html/ (non-zero exit if any fails)
	$(BIN)/hima reports build

pdf: reports  ## Build the reports, then print each to reports/pdf/ with headless Chromium
	$(BIN)/hima reports pdf

lab: $(STAMP)  ## JupyterLab on notebooks/ with the hima-analytics kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)  ## Measure build and data-layer speed into benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py

clean:  ## Remove .venv and .tools
	rm -rf $(VENV) $(TOOLS)
