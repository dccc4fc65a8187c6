# Two commands do all the setup on a fresh machine:
#   make serve   – create .venv, install the pinned dependencies, migrate SQLite, serve on 127.0.0.1:8000
#   make test    – the same setup, then the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: serve test lint migrate schema bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/python -m workestra serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrate: $(STAMP)
	$(BIN)/python -m workestra migrate

schema: $(STAMP)
	$(BIN)/python -m workestra export-schema

# The benchmarks, each against its bare baseline in the same run (~15 min; see bench/README.md).
# b2_liveness measures the working tree in-process: it has no --app-ref.
bench: $(STAMP)
	$(BIN)/python bench/b1_active_sessions.py --app-ref HEAD
	$(BIN)/python bench/b2_fanout.py --app-ref HEAD
	$(BIN)/python bench/b2_liveness.py
	$(BIN)/python bench/b3_sign_in_flood.py --app-ref HEAD
	$(BIN)/python bench/b4_hostile_documents.py --app-ref HEAD

clean:
	rm -rf $(VENV) var .pytest_cache
