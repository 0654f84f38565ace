# The two commands: `make run` (serve the app) and `make test` (every check).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: run test lint typecheck pytest jstest coachfiles test-clock-sweep bench clean

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

# The camera coach's TensorFlow.js files and BlazePose models, copied from node_modules into
# build/static (build output that collectstatic picks up; never committed).
COACH_VENDOR := build/static/coach/vendor/.copied
$(COACH_VENDOR): $(VENV)/.app node_modules/.installed src/midback/core/coachfiles.py
	$(VENV)/bin/midback coachfiles
	touch $@

coachfiles: $(COACH_VENDOR)

# Landmark sequences generated from the body model, with their truth, for the coach's JS tests.
COACH_SEQUENCES := build/coach-sequences/.made
$(COACH_SEQUENCES): $(VENV)/.app tools/coach_sequences.py $(wildcard src/midback/content/illustration/*.py) $(wildcard src/midback/content/library/*.toml)
	$(PY) tools/coach_sequences.py build/coach-sequences
	touch $@

jstest: $(COACH_SEQUENCES)
	node --test tests/js/

run: $(VENV)/.app $(COACH_VENDOR)
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

pytest: $(VENV)/.test node_modules/.installed $(COACH_VENDOR)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck jstest pytest

# The non-browser suite at instants where dates and zones part ways: either side of UTC midnight
# (Melbourne already on the next day), Melbourne a day ahead of UTC, Los Angeles a day behind,
# and either side of the daylight-saving changes in Europe (29 Mar 2026, 01:00 UTC) and in
# Melbourne (5 Apr 2026, 16:00 UTC the day before).
CLOCK_SWEEP ?= 2026-12-01T23:59:30Z 2026-12-02T00:00:30Z 2026-12-01T14:30:00Z \
	2026-12-02T04:00:00Z 2026-03-29T00:30:00Z 2026-03-29T01:30:00Z 2026-04-04T15:30:00Z \
	2026-04-04T16:30:00Z

test-clock-sweep: $(VENV)/.test node_modules/.installed
	@for instant in $(CLOCK_SWEEP); do \
	  echo "== the suite at $$instant"; \
	  $(VENV)/bin/pytest -q -p no:cacheprovider -m "not browser and not real_clock" \
	    --clock=$$instant $(PYTEST_ARGS) || exit 1; \
	done; echo "== the suite passed at every instant"

clean:
	rm -rf $(VENV) node_modules build .pytest_cache .mypy_cache .ruff_cache
