# Administrativ Adgang — the two commands of the README, and a few more.
# Needs only Python >= 3.11; everything else is installed into .venv by these targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install migrate demo demo-receiver worker messages clean cluster

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Run the portal with demo data on SQLite: web on http://$(HOST):$(PORT) and the worker.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runportal --host $(HOST) --port $(PORT)

## The whole test suite: lint, migrations check, unit, integration and browser tests.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

worker: install
	$(PY) manage.py db_worker

## Production's shape on this machine: 2 gunicorn web processes (ports 8001, 8002), 2 workers and
## the SFTP intake against PostgreSQL: DATABASE_URL when it names one, else
## postgres://postgres@127.0.0.1:5432/adgang_cluster (created and migrated first). Ctrl-C stops all.
cluster: install
	$(PY) manage.py cluster

## The demo's REST PUSH receiver system on https://127.0.0.1:8443 (after `make run` or `make demo`).
demo-receiver: install
	$(PY) manage.py demo_receiver --portal http://$(HOST):$(PORT)

## Recompile the translations (needs gettext's msgfmt; the .mo files are committed).
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
