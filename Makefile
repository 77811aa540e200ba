# Two commands do all set-up: `make html` builds the site, `make test` runs every test.
# Both create .venv on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := build
SITE   := $(BUILD)/html
SPHINXOPTS ?=
PORT ?= 8000
DOCS   ?= docs
SPHINX := $(BIN)/sphinx-build -c conf -n -W --keep-going $(SPHINXOPTS)

.PHONY: html test check serve bench clean venv chromium live-runtime

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]'
	@touch $@

# Pages are read, and so executed, two at a time on two cores (`make bench` measures the gain).
# A parallel build that fails names the page but not the cell: the build then runs again one
# page at a time, which prints the failing cell, its error and traceback (and fails again).
html: live-runtime
	@$(SPHINX) -j auto $(DOCS) $(SITE) || { \
	  echo "The build failed; building one page at a time to show the failing cell:"; \
	  $(SPHINX) -j 1 $(DOCS) $(SITE); exit 1; }
	@echo "Site built: $(SITE)/index.html"

# Two workers: the browser tests wait on Chromium and Pyodide as much as they compute.
test: html chromium
	DERIVATIVES_SITE=$(SITE) $(BIN)/python -m pytest -n 2

# The quick tier: unit tests, doctests, ruff and mypy; no browser, no site build.
check: $(STAMP)
	$(BIN)/python -m pytest -m "not site and not browser and not mutation" -q

# Live mode's Pyodide runtime, pinned in conf/live-runtime.toml: downloaded, checked and
# byte-compiled once into ~/.cache/derivatives/live (quick when cached); the build only copies it.
live-runtime: $(STAMP)
	@$(BIN)/python conf/live_runtime.py

# The browser tests drive Debian's Chromium (no browser is downloaded by a test tool).
chromium:
	@command -v chromium >/dev/null || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || { \
	  echo "make test needs Chromium: install Debian's chromium package"; exit 1; }

serve: live-runtime
	$(BIN)/sphinx-autobuild -c conf -n --keep-going $(SPHINXOPTS) \
		--watch derivatives --watch conf \
		--ignore '*.ipynb_checkpoints*' --ignore '*/__pycache__/*' \
		--port $(PORT) $(DOCS) $(SITE)

bench: html  # bench_live.py times the built site's live mode
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
