# Two commands for a fresh machine: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-fast build validate chromium clean help

help:
	@echo "make run   - set up, build the data if needed, start the dashboard on http://localhost:$(PORT)"
	@echo "make test  - set up (incl. Chromium) and run the whole test suite"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Stamps record that the requirements were installed; they are redone when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Debian's Chromium: end-to-end tests and PNG export (kaleido) drive it. Browser downloads do not work here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

# axe-core for the snapshot's accessibility test, from the npm registry: pinned, with its integrity
# hash, in tests/package.json and tests/package-lock.json (node_modules is git-ignored).
AXE := tests/node_modules/axe-core/axe.min.js
$(AXE): tests/package.json tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund
	touch $@

build: $(VENV)/.runtime
	$(PY) -m pccspend build --if-stale

validate: $(VENV)/.runtime
	$(PY) -m pccspend validate

run: build
	$(PY) -m streamlit run pccspend/server.py --server.port $(PORT)

test: $(VENV)/.dev chromium $(AXE) build
	$(PY) -m pytest

test-fast: $(VENV)/.dev build
	$(PY) -m pytest -m "not e2e and not slow"

clean:
	rm -rf $(VENV) data/build data/current data/awards.parquet test-artifacts .pytest_cache
