# Roundtable: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
# Everything is installed from pinned files: requirements/*.txt (PyPI) and package-lock.json (npm).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
# The suite runs on every core (pytest-xdist); a module's tests stay on one worker.
PYTEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: run test setup setup-dev frontend chromium weasyprint migrate mutations lint ci screenshot clean help

help:
	@echo "make run    set up and serve Roundtable with the demo organisation on http://$(HOST):$(PORT)"
	@echo "make test   set up (Chromium included) and run the whole test suite"
	@echo "make lint   ruff, mypy and import-linter"
	@echo "make mutations  every deliberate bug in scripts/mutations.py must be caught"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Roundtable needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"

$(VENV)/.stamp-base: $(BIN)/python requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-base requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The formation engine's compiled loops are compiled here, once, into numba's on-disk cache
# (a second run only loads them), so no coordinator waits for the compiler.
setup: $(VENV)/.stamp-base node_modules/.stamp
	@$(BIN)/python -m roundtable.formation.warm

setup-dev: $(VENV)/.stamp-dev node_modules/.stamp
	@$(BIN)/python -m roundtable.formation.warm

frontend: node_modules/.stamp

chromium:
	@scripts/ensure-chromium.sh

# The escalation PDF: WeasyPrint's system libraries (pango), with apt-get when missing and root.
weasyprint: $(VENV)/.stamp-base
	@PYTHON=$(BIN)/python scripts/ensure-weasyprint.sh

migrate: setup
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

run: setup weasyprint
	@HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: setup-dev chromium weasyprint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Every deliberate bug in scripts/mutations.py must be caught (CI runs the privacy and security
# share; run the whole list before each submission).
mutations: setup-dev
	$(BIN)/python scripts/mutations.py

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

screenshot: setup-dev chromium
	UPDATE_DOCS_SCREENSHOT=1 $(BIN)/python -m pytest tests/browser -q

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules staticfiles artifacts .mypy_cache .ruff_cache
