# Arki: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test bench install install-test install-bench lint typecheck pytest messages worker serve demo clean

## Run Arki locally: install, migrate the embedded SQLite database, load the demo region, serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_configuration
	$(PY) manage.py load_demo
	scripts/serve.sh

## The whole test suite: lint, types, translations, unit tests and browser journeys.
test: install-test lint typecheck pytest

## Load benchmark (docs/benchmarks.md): gunicorn in production mode driven by locust; prints every
## target as met or MISSED. Not part of `make test`. BENCH_ARGS e.g.
##   "--database-url pilot=postgres://…/arki_pilot --database-url county=postgres://…/arki_county
##    --duration 30"                                  (pages: 1 user, then 16 without pauses)
##   "--scenario day --database-url county=postgres://…/arki_county"       (300 staff, think time)
##   "--scenario capacity --database-url county=postgres://…/arki_county"  (300, 600, 1200, … staff)
##   "--database-url sqlite:////tmp/arki_pilot.sqlite3"       (the embedded default: 4 users)
##   "--scenario soak|outage --database-url …", "--indicators --database-url …"
BENCH_ARGS ?=
bench: install-bench
	$(PY) manage.py benchmark $(BENCH_ARGS)

install:
	scripts/bootstrap.sh run

install-test:
	scripts/bootstrap.sh test

install-bench:
	scripts/bootstrap.sh bench

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy .

pytest:
	$(PY) -m pytest $(PYTEST_ARGS)

## Refresh the translation catalogues after changing strings (needs gettext).
messages:
	$(PY) manage.py makemessages --all --no-obsolete --no-location --ignore='.venv/*' --ignore='staticfiles/*'
	$(PY) manage.py compile_translations

worker:
	$(PY) manage.py db_worker

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
