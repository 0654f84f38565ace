# The two commands: `make run` (serve the app) and `make test` (every check).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: run test lint typecheck pytest bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.app: $(PY) pyproject.toml constraints.txt
	$(PIP) install -q -c constraints.txt -e .
	touch $@

$(VENV)/.test: $(VENV)/.app
	$(PIP) install -q -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.app
	$(VENV)/bin/midback migrate --noinput -v 0
	$(VENV)/bin/midback loadlibrary
	$(VENV)/bin/midback seeddemo
	$(VENV)/bin/midback serve $(ADDRPORT)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/ruff format --check src tests bench tools
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.test
	$(VENV)/bin/mypy

pytest: $(VENV)/.test node_modules/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) node_modules build .pytest_cache .mypy_cache .ruff_cache
