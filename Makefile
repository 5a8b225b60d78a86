# Two set-up commands: `make run` (the demo on SQLite) and `make test` (the suite on PostgreSQL).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST_PORT ?= 127.0.0.1:8000
# The suite runs in parallel, one PostgreSQL test database per worker (pytest-django names
# them test_<db>_gw0, _gw1 …); a file's tests stay together in one worker, so module and
# session fixtures (one live server, one browser, one demo dump per worker) are built once.
PYTEST_WORKERS ?= auto

.PHONY: help install install-dev run test lint format

help:
	@echo "make run   – installera, skapa demodata och starta demon på http://$(HOST_PORT)"
	@echo "make test  – installera och köra hela testsviten mot PostgreSQL"

# Two hashed locks: requirements.lock is what runs (make run, production), and
# requirements-dev.lock adds the test tools (make test). Regenerate both with scripts/lock.sh.
$(STAMP): requirements.lock
	@python=$$(scripts/find_python.sh) && echo "Using $$python" && \
	  { [ -x $(PY) ] || $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $(STAMP)

$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# The demo runs on the embedded SQLite database unless DATABASE_URL says otherwise.
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_documents
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_plans
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_calls
	@echo ""
	@echo "  Demon körs på http://$(HOST_PORT)/  (avsluta med Ctrl-C)"
	@echo "  Inloggningar (lösenord: demo): samordnare, rapportor, lasare, admin"
	@echo ""
	@# The mail worker runs in the background for as long as the server does.
	@export DJANGO_DEBUG=1 DJANGO_SITE_URL=http://$(HOST_PORT); \
	  $(PY) manage.py mail_worker --no-reload --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST_PORT)

# makemigrations --check runs inside the suite (tests/config/test_migrations.py). The SQLite
# smoke run (one process) goes beside the parallel suite, which leaves a core partly idle.
test: install-dev
	@set -euo pipefail; \
	url=$$(scripts/ensure_postgres.sh); \
	scripts/browser_deps.sh; \
	echo "== ruff"; $(VENV)/bin/ruff check .; $(VENV)/bin/ruff format --check .; \
	echo "== deploy checks with production settings"; \
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=example.se \
	  DJANGO_SITE_URL=https://example.se DJANGO_OPEN_DATA_CONTACT_EMAIL=oppnadata@example.se \
	  DATABASE_URL="$$url" $(PY) manage.py check --deploy --fail-level WARNING; \
	smoke_log=$$(mktemp); \
	DATABASE_URL="sqlite:///$$(mktemp -d)/smoke.sqlite3" $(VENV)/bin/pytest -m smoke \
	  -p no:cacheprovider >"$$smoke_log" 2>&1 & smoke=$$!; \
	echo "== the whole suite on PostgreSQL (the SQLite smoke run beside it)"; \
	DATABASE_URL="$$url" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15 \
	  || { wait $$smoke; exit 1; }; \
	echo "== smoke run on SQLite"; \
	if wait $$smoke; then tail -n 1 "$$smoke_log"; else cat "$$smoke_log"; exit 1; fi

lint: install-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .
