# The README's two commands: `make run` and `make test`. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test install install-dev lint bench bench-crash serve clean e2e translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The .po catalogues are compiled to .mo when the app starts (consult/core/i18n.py).
TRANSLATIONS := consult/translations

## make translations: extract the messages and update the catalogues (then translate the .po)
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

## make run: install, migrate, load demo data if empty, serve on http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) consult seed-demo --if-empty
	$(FLASK) consult search reindex
	$(FLASK) run --host 127.0.0.1 --port 5000

## make serve: the site under gunicorn with several workers (WORKERS=4 PORT=8000)
WORKERS ?= 4
PORT ?= 8000
serve: install
	$(BIN)/pip install -q -e '.[serve]'
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - app:app

## make bench: the load benchmark (BENCH_ARGS="--comments 100000 --databases sqlite ...";
## defaults: 1,000,000 comments, SQLite and PostgreSQL, 2 and 4 workers; docs/benchmarks/load.md)
BENCH_ARGS ?=
bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench.load $(BENCH_ARGS)

## make bench-crash: kill -9 web workers, gunicorn and the search worker under a writer load
bench-crash: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench.crash $(BENCH_ARGS)

## make test: install dev dependencies and run the test suite, one process per core
test: install-dev
	$(BIN)/python -m pytest -n auto

## make e2e: browser journeys and accessibility checks in Debian's Chromium (needs apt's chromium)
e2e: install-dev
	$(BIN)/pip install -q -e '.[dev,e2e]'
	$(BIN)/python -m pytest tests/e2e

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache
