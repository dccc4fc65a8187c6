# Two commands do all the setup on a fresh machine:
#   make serve   – create .venv, install the pinned dependencies, build the page, migrate SQLite, serve on 127.0.0.1:8000
#   make test    – the same setup, then the whole test suite (the page's unit tests and browser tests included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

NPM ?= npm
# The page is rebuilt only when its sources or lockfile change; node_modules only when the lockfile does.
WEB_DEPS := web/node_modules/.installed-$(shell cksum web/package-lock.json | cut -d' ' -f1)
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
WEB_BUILT := web/dist/.built
# The client suite (tests/clients: Apollo, urql, graphql-ws) gets its node_modules when npm is present;
# without Node its tests skip, except in CI where they are required.
CLIENT_DEPS := tests/clients/node_modules/.installed-$(shell cksum tests/clients/package-lock.json | cut -d' ' -f1)
HAVE_NPM := $(shell command -v $(NPM) 2>/dev/null)
# pytest runs the test modules on this many worker processes (pytest-xdist), one module wholly on one worker
# so that a module's server, browser and databases are started once; PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2

.PHONY: serve test lint migrate schema bench clean web screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(WEB_DEPS): web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	rm -f web/node_modules/.installed-*
	touch $(WEB_DEPS)

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES) schema.graphql
	cd web && $(NPM) run build
	touch $(WEB_BUILT)

web: $(WEB_BUILT)

$(CLIENT_DEPS): tests/clients/package-lock.json
	cd tests/clients && $(NPM) ci --no-audit --no-fund --loglevel=error
	rm -f tests/clients/node_modules/.installed-*
	touch $(CLIENT_DEPS)

serve: $(STAMP) $(WEB_BUILT)
	$(BIN)/python -m workestra serve

test: $(STAMP) $(WEB_BUILT) $(if $(HAVE_NPM),$(CLIENT_DEPS))
	cd web && $(NPM) test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP) $(WEB_DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd web && $(NPM) run lint
	$(BIN)/mypy

migrate: $(STAMP)
	$(BIN)/python -m workestra migrate

schema: $(STAMP)
	$(BIN)/python -m workestra export-schema

# Annotated PNGs of the Security page for the README, from a seeded demo account (docs/).
screenshots: $(STAMP) $(WEB_BUILT)
	$(BIN)/python docs/make_screenshots.py

# The benchmarks, each against its bare baseline in the same run (~15 min; see bench/README.md).
# b2_liveness measures the working tree in-process: it has no --app-ref.
bench: $(STAMP)
	$(BIN)/python bench/b1_active_sessions.py --app-ref HEAD
	$(BIN)/python bench/b2_fanout.py --app-ref HEAD
	$(BIN)/python bench/b2_liveness.py
	$(BIN)/python bench/b3_sign_in_flood.py --app-ref HEAD
	$(BIN)/python bench/b4_hostile_documents.py --app-ref HEAD
	$(BIN)/python bench/b5_data_growth.py --scale 0.1
	$(BIN)/python bench/b6_reset_timing.py --app-ref HEAD

clean:
	rm -rf $(VENV) var .pytest_cache web/node_modules web/dist tests/clients/node_modules tests/clients/src/gql
