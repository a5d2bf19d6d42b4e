# Grassroots: two commands.
#   make run   install what is missing, migrate, load the demo street, serve http://127.0.0.1:8000/
#              with the task worker beside it (Ctrl-C stops both)
#   make test  install what is missing, lint, run the whole suite on SQLite, then on PostgreSQL
#              when it is reachable (PG_REQUIRED=1: unreachable PostgreSQL is a failure)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.PHONY: help run test deps venv npm messages migrate demo chromium lint pytest-sqlite pytest-postgres

PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEV_SETTINGS := config.settings.dev
PG_PORT ?= 5432
PG_DEFAULT_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/grassroots
PG_PROBE_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/postgres
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo 1)

help:
	@echo "make run    serve the demo at http://127.0.0.1:8000/ (with the task worker)"
	@echo "make test   lint and run every test on SQLite, then on PostgreSQL when reachable"

# -- installation: each step runs only when its input changed -------------------------------------
venv:
	@if [ ! -x "$(PY)" ]; then \
	  if [ -z "$(PYTHON_BIN)" ]; then echo "Python 3.11 is missing (apt-get install python3.11)."; exit 1; fi; \
	  echo "Creating $(VENV) with $(PYTHON_BIN)"; \
	  if ! "$(PYTHON_BIN)" -m venv $(VENV); then \
	    rm -rf $(VENV); \
	    if [ "$(IS_ROOT)" = 1 ]; then apt-get update && apt-get install -y python3-venv && "$(PYTHON_BIN)" -m venv $(VENV); \
	    else echo "python3-venv is missing: as root run 'apt-get install python3-venv'."; exit 1; fi; \
	  fi; \
	fi
	@lock=$$(sha256sum requirements.lock | cut -d' ' -f1); \
	if [ "$$(cat $(VENV)/.requirements.stamp 2>/dev/null)" != "$$lock" ]; then \
	  echo "Installing Python packages from requirements.lock"; \
	  $(PY) -m pip install --disable-pip-version-check -q -r requirements.lock; \
	  echo "$$lock" > $(VENV)/.requirements.stamp; \
	fi

npm:
	@if [ ! -f package.json ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then echo "npm is missing: front-end packages not installed (apt-get install npm)."; exit 1; fi; \
	if [ -f package-lock.json ]; then input=package-lock.json; cmd="npm ci --no-audit --no-fund"; \
	else input=package.json; cmd="npm install --no-audit --no-fund"; fi; \
	sum=$$(sha256sum $$input | cut -d' ' -f1); \
	if [ ! -d node_modules ] || [ "$$(cat node_modules/.grassroots.stamp 2>/dev/null)" != "$$sum" ]; then \
	  echo "Installing front-end packages ($$cmd)"; \
	  $$cmd; \
	  echo "$$sum" > node_modules/.grassroots.stamp; \
	fi

messages: venv
	@if [ -z "$$(find . -path ./.venv -prune -o -path ./node_modules -prune -o -name '*.po' -print -quit)" ]; then \
	  exit 0; \
	elif command -v msgfmt >/dev/null; then \
	  DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py compilemessages -v 0 \
	    --ignore '.venv' --ignore 'node_modules' --ignore 'var'; \
	else echo "msgfmt not found: using the committed .mo catalogues."; fi

deps: venv npm messages

# -- make run --------------------------------------------------------------------------------------
migrate: deps
	@DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --noinput -v 0

demo: migrate
	@DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py load_demo

run: demo
	@export DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS); \
	$(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true; echo "Stopped the server and the task worker."' EXIT; \
	trap 'exit 0' INT TERM; \
	echo "Serving http://127.0.0.1:8000/ (task worker pid $$worker). Ctrl-C stops both."; \
	$(PY) manage.py runserver 127.0.0.1:8000

# -- make test -------------------------------------------------------------------------------------
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$(IS_ROOT)" = 1 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian chromium and CJK fonts for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	else \
	  echo "MISSING: /usr/bin/chromium. Browser tests will be skipped (and fail under CI=true)."; \
	  echo "         Install it as root: apt-get install chromium fonts-noto-cjk"; \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

pytest-sqlite: deps chromium
	@echo "== pytest on SQLite"
	env -u DATABASE_URL $(VENV)/bin/pytest -q

pytest-postgres: deps chromium
	@url="$${DATABASE_URL:-}"; \
	case "$$url" in postgres*) ;; *) url="";; esac; \
	if [ -z "$$url" ]; then \
	  if (command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p $(PG_PORT)) || \
	     $(PY) -c "import psycopg; psycopg.connect('$(PG_PROBE_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	    url="$(PG_DEFAULT_URL)"; \
	  fi; \
	fi; \
	if [ -z "$$url" ]; then \
	  if [ "$${PG_REQUIRED:-0}" = 1 ]; then echo "PG_REQUIRED=1 but PostgreSQL is not reachable at 127.0.0.1:$(PG_PORT)."; exit 1; fi; \
	  echo "== PostgreSQL not reachable at 127.0.0.1:$(PG_PORT) (set DATABASE_URL): skipped the PostgreSQL run."; \
	  exit 0; \
	fi; \
	echo "== pytest on PostgreSQL ($$url)"; \
	DATABASE_URL="$$url" $(VENV)/bin/pytest -q

test: deps chromium lint pytest-sqlite pytest-postgres
	@echo "All checks passed."
