# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock build-requirements.lock pyproject.toml | sha256sum | cut -c1-12)

.PHONY: site serve test validate bench lock clean .venv-ready

# Install exactly the locked, hash-checked packages: wheels, except bagit (portal snapshot),
# which PyPI publishes only as source since 1.9. Its build tools are installed first, from
# their own hash-checked lock, and it is built with them offline (--no-build-isolation).
$(STAMP): requirements.lock build-requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r build-requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: --no-binary bagit \
		--no-build-isolation -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Only set up the environment (used by CI before `portal validate --format github`).
.venv-ready: $(STAMP)

site: $(STAMP)
	$(BIN)/portal validate
	$(BIN)/portal build

serve: $(STAMP)
	$(BIN)/portal serve

validate: $(STAMP)
	$(BIN)/portal validate

# axe-core for the browser accessibility tests: from the npm registry, checked against the
# integrity hashes in tests/browser/package-lock.json. Without npm the tests skip (fail under CI=true).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
	touch $@

test: $(STAMP) $(if $(shell command -v npm 2>/dev/null),$(AXE))
	$(BIN)/python -m pytest

# Scale benchmark (issue 6): a synthetic county corpus, timed against plain mkdocs-material; writes
# docs/performance.md. Never part of `make test`. BENCH_ARGS=--quick for a small smoke run.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# Refresh the lock after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml build-requirements.in --extra test --generate-hashes \
		--python-version 3.11 --no-header -o requirements.lock
	$(PYTHON) -m uv pip compile build-requirements.in --generate-hashes \
		--python-version 3.11 --no-header -o build-requirements.lock

clean:
	rm -rf $(VENV) site .build .bench .pytest_cache test-artifacts tests/browser/node_modules
