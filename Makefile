# «Безопасное детство»: two commands on a fresh machine (Python 3.11+ and make).
#   make run   venv, install, migrate, translations, demo content, serve on 127.0.0.1:8000
#   make test  the whole suite with the CI gates (ruff, lint-imports, check, makemigrations --check)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz install install-dev messages migrate demo lint format prod-check bench clean \
	bench-http load

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt pyproject.toml
	$(PIP) install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

messages: install
	$(MANAGE) compile_translations

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo --admin

# The task worker (queued e-mails, scheduled publishing) runs beside the web
# server and stops with it.
run: messages demo
	@echo "Site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/ (user admin)"
	@echo "The first admin sign-in asks you to connect an authenticator app (QR code or key as text)"
	@echo "and shows recovery codes: see README, 'Logging into the admin'."
	@$(MANAGE) schedule_report_maintenance
	@$(MANAGE) schedule_registry_reminders
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --interval 2 & worker=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: install-dev messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=safechildhood.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=safechildhood.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Property-based fuzzing of every public endpoint, 1,000 examples each (tests/fuzz;
# `make test` runs the same tests with 25 examples each).
fuzz: install-dev messages
	FUZZ_PROFILE=fuzz $(VENV)/bin/pytest -m fuzz tests/fuzz --durations=0 $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Mirrors the Docker build (docker cannot run here): production settings,
# collectstatic and Django's deployment checks must pass with no warnings. The values
# below are the ones production must set (a mail server, the public address).
prod-check: messages
	DEBUG=0 SECRET_KEY=prod-check-$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	REPORTS_ESCROW_PUBLIC_KEY=$$($(PY) -c 'import base64,nacl.public;print(base64.urlsafe_b64encode(bytes(nacl.public.PrivateKey.generate().public_key)).decode())') \
	EMAIL_URL=smtp+tls://portal:secret@smtp.example.org:587 WAGTAILADMIN_BASE_URL=https://example.org \
	ALLOWED_HOSTS=example.org DJANGO_SETTINGS_MODULE=safechildhood.settings.base \
	STATIC_ROOT=$(CURDIR)/var/static-prod-check \
	sh -c '$(MANAGE) collectstatic --noinput --verbosity 0 && $(MANAGE) check --deploy --fail-level WARNING'

bench: install-dev
	$(VENV)/bin/pytest bench --benchmark-only $(PYTEST_ARGS)

# The real thing over HTTP (not part of `make test`): gunicorn on 127.0.0.1 with production
# settings, PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL: see bench/server.py),
# the demo content. Needs wrk (`apt-get install wrk`). Figures go to bench/RESULTS.md.
bench-http: install-dev messages
	$(PY) -m bench.http_bench

$(VENV)/.installed-bench: $(VENV)/.installed-dev bench/requirements.txt
	$(PIP) install --quiet -r bench/requirements.txt
	touch $@

# 50 visitors browsing and 5 filing reports for 60 s; every report checked afterwards.
load: $(VENV)/.installed-bench messages
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) static_collected var/static-prod-check .pytest_cache .ruff_cache
