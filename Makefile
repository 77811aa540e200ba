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
SPHINX := $(BIN)/sphinx-build -c conf -n -W --keep-going $(SPHINXOPTS) docs

.PHONY: html test serve bench clean venv chromium

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]'
	@touch $@

html: $(STAMP)
	$(SPHINX) $(SITE)
	@echo "Site built: $(SITE)/index.html"

test: html chromium
	DERIVATIVES_SITE=$(SITE) $(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (no browser is downloaded by a test tool).
chromium:
	@command -v chromium >/dev/null || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || { \
	  echo "make test needs Chromium: install Debian's chromium package"; exit 1; }

serve: $(STAMP)
	$(BIN)/sphinx-autobuild -c conf -n --keep-going $(SPHINXOPTS) \
		--watch derivatives --watch conf \
		--ignore '*.ipynb_checkpoints*' --ignore '*/__pycache__/*' \
		--port $(PORT) docs $(SITE)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
