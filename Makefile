# One entry point for people and for .ci/run. Every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_TESTS := tests/node
NODE_STAMP := $(NODE_TESTS)/node_modules/.installed

.PHONY: setup demo test lint bench node-deps chromium-deps clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_TESTS)/package.json
	cd $(NODE_TESTS) && npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Headless Chromium renders the HTML report in a test (and drives VS Code's web UI). Installed
# from Debian's package by name, only when missing.
chromium-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(VENV)/bin/smart-debug demo

lint: $(STAMP)
	$(PY) -m ruff check dap_proxy lsp tests bench examples
	$(PY) -m ruff format --check dap_proxy lsp tests bench examples
	$(PY) -m mypy

test: $(STAMP) node-deps chromium-deps lint
	# pytest exits 5 when it collects no test: not a failure of the code under test.
	$(PY) -m pytest -q || [ $$? -eq 5 ]

# Every script runs even when an earlier one misses its target; the exit status says if any did.
bench: $(STAMP)
	@failed=""; for script in bench/*.py; do echo "== $$script"; \
	  $(PY) $$script || failed="$$failed $$script"; done; \
	  if [ -n "$$failed" ]; then echo "missed a target or failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) $(NODE_TESTS)/node_modules .pytest_cache .ruff_cache .mypy_cache
