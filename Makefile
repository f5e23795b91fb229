# One entry point for people and for .ci/run. Every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_TESTS := tests/node
NODE_STAMP := $(NODE_TESTS)/node_modules/.installed
# The VS Code extension: npm registry packages only, from its lockfile.
EXT := editor-client
EXT_STAMP := $(EXT)/node_modules/.installed
EXT_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(EXT)/package.json)
VSIX := $(EXT)/smart-debug-$(EXT_VERSION).vsix
EXT_SOURCES := $(shell find $(EXT)/src -name '*.ts') $(EXT)/package.json $(EXT)/tsconfig.json \
	$(EXT)/esbuild.mjs $(EXT)/.vscodeignore $(EXT)/README.md

.PHONY: setup demo test lint bench bytecode node-deps chromium-deps ext-deps vsix ext-test e2e-deps clean

setup: $(STAMP) bytecode

# Our packages' bytecode, as pip writes it for an installed package: an editable install run
# where PYTHONDONTWRITEBYTECODE is set would otherwise compile every module at each start (a
# third of `smart-debug analyze`'s start-up). Files already compiled are skipped.
bytecode: $(STAMP)
	$(PY) -m compileall -q dap_proxy lsp

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_TESTS)/package.json
	cd $(NODE_TESTS) && npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

ext-deps: $(EXT_STAMP)

$(EXT_STAMP): $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund --loglevel=error
	touch $(EXT_STAMP)

# Bundled with esbuild: the .vsix holds dist/extension.js, package.json and the readme.
vsix: $(VSIX)

$(VSIX): $(EXT_STAMP) $(EXT_SOURCES)
	cd $(EXT) && npm run --silent package

# The extension's unit tests (node:test, fakes for the editor API; real processes where they run one).
ext-test: $(EXT_STAMP) $(STAMP)
	cd $(EXT) && npm test --silent

# code-server, Node 24, playwright-core and Chromium for the VS Code e2e tests, cached in .cache/e2e/.
e2e-deps:
	bash tests/e2e/vscode/install.sh

# Headless Chromium renders the HTML report in a test (and drives VS Code's web UI). Installed
# from Debian's package by name, only when missing.
chromium-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP) bytecode
	$(VENV)/bin/smart-debug demo

lint: $(STAMP)
	$(PY) -m ruff check dap_proxy lsp tests bench examples
	$(PY) -m ruff format --check dap_proxy lsp tests bench examples
	$(PY) -m mypy

test: $(STAMP) bytecode node-deps chromium-deps lint ext-test vsix e2e-deps
	# pytest exits 5 when it collects no test: not a failure of the code under test.
	# SMART_DEBUG_E2E=require: the VS Code e2e tests fail, rather than skip, if their harness is missing.
	SMART_DEBUG_E2E=require $(PY) -m pytest -q || [ $$? -eq 5 ]

# Every script runs even when an earlier one misses its target; the exit status says if any did.
bench: $(STAMP) bytecode
	@failed=""; for script in bench/*.py; do echo "== $$script"; \
	  $(PY) $$script || failed="$$failed $$script"; done; \
	  if [ -n "$$failed" ]; then echo "missed a target or failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) $(NODE_TESTS)/node_modules .pytest_cache .ruff_cache .mypy_cache \
	  $(EXT)/node_modules $(EXT)/out $(EXT)/dist $(EXT)/*.vsix .cache/e2e
