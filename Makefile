# Two commands do everything: `make reports` and `make test`. Each bootstraps the environment
# (a pinned uv in .tools/, then the locked dependencies in .venv/) the first time and does
# nothing extra afterwards: the install step reruns only when pyproject.toml or uv.lock change.

PYTHON      ?= python3
VENV        := .venv
TOOLS       := .tools
UV          := $(TOOLS)/bin/uv
UV_VERSION  := 0.13.9
STAMP       := $(VENV)/.installed
KERNEL      := hima-analytics
BIN         := $(VENV)/bin

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS    := never
export PYTHONDONTWRITEBYTECODE :=

.PHONY: install test reports lab bench clean

install: $(STAMP)

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

test: $(STAMP)
	$(BIN)/python -m pytest

reports: $(STAMP)
	$(BIN)/hima reports build

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# JupyterLab refuses to start as root unless told to (containers and CI machines often are root).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean:
	rm -rf $(VENV) $(TOOLS)
