# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PG_VERSION = $(shell ls /etc/postgresql 2>/dev/null | head -n 1)
export PLAYWRIGHT_BROWSERS_PATH ?= 0

.PHONY: run stop-db reset-demo test lint format setup services browser worker beat bench migrate clean

run: setup ## Set up, migrate, seed the demo if empty, and serve on $(HOST):$(PORT).
	@stop_embedded() { :; }; \
	if [ -z "$$DATABASE_URL" ]; then \
		echo "No DATABASE_URL: using the embedded PostgreSQL in $${DATA_DIR:-data}/postgres (stopped when this exits)"; \
		stop_embedded() { $(BIN)/python -m qaportal.embedded_postgres stop; }; \
	fi; \
	worker=; \
	trap 'test -n "$$worker" && kill $$worker 2>/dev/null; wait; stop_embedded' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py seed_demo --if-empty || exit 1; \
	if [ -n "$$REDIS_URL" ]; then \
		echo "Starting a Celery worker (with beat) beside the web server, as REDIS_URL is set"; \
		$(BIN)/celery -A qaportal worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

stop-db: ## Stop the embedded PostgreSQL of the data folder (if a run left it running).
	$(BIN)/python -m qaportal.embedded_postgres stop

reset-demo: stop-db ## Delete the demo's data folder (database and files); the next `make run` seeds afresh.
	rm -rf "$${DATA_DIR:-data}"

test: setup services browser ## Set up and run the whole suite against PostgreSQL and Redis.
	$(BIN)/pytest

lint: setup ## ruff (lint and format check), mypy (types), djLint (templates): what pre-commit runs too.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint templates --lint

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: $(VENV)/.installed node_modules/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed $(wildcard static/scss/*.scss)
	mkdir -p static/build
	npx sass --load-path=. --load-path=node_modules --style=compressed --no-source-map --quiet \
		static/scss/app.scss $@

services: ## Start PostgreSQL and Redis on 127.0.0.1 if they are down.
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 \
		--save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
	@pg_isready -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping

browser: ## Debian's Chromium for the browser tests (Playwright cannot download one here).
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v docker-compose >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
	@command -v pdftoppm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null

worker: setup ## A Celery worker (needs REDIS_URL and DATABASE_URL).
	$(BIN)/celery -A qaportal worker --loglevel=INFO

beat: setup ## Celery beat: the periodic sweeps.
	$(BIN)/celery -A qaportal beat --loglevel=INFO

bench: setup services ## National-scale benchmarks (see BENCHMARKS.md); takes a while.
	bash bench/run_all.sh

clean: ## Remove everything set-up made, and the demo's data folder.
	-test -x $(BIN)/python && $(BIN)/python -m qaportal.embedded_postgres stop
	rm -rf $(VENV) node_modules static/build staticfiles data
