# Konkurs: `make run` for a local demo, `make test` for the whole suite (what CI runs).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest -p no:cacheprovider
# Tests use SQLite unless a target sets DATABASE_URL itself.
SQLITE_ENV := env -u DATABASE_URL
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/konkurs
XDIST ?= -n 2
# A production environment for `check --deploy`: DEBUG off, a long random key, a real host.
PROD_ENV := env -u DATABASE_URL DEBUG=false ALLOWED_HOSTS=konkurs.example.org \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')"

.PHONY: help venv install run test lint checks messages test-sqlite test-postgres test-browser bench bench-notify bench-ranking bench-assign bench-export bench-imports bench-load bench-announce bench-calibration lock clean

help:
	@echo "make run    - install, migrate, seed the demo and serve http://127.0.0.1:8000"
	@echo "make test   - lint, checks, pytest on SQLite and PostgreSQL, browser tests"
	@echo "other: install lint checks messages test-sqlite test-postgres test-browser bench lock"

# --- install ------------------------------------------------------------------------------
$(PY):
	python3 -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(PY)
	@echo "pip install -r requirements.lock (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --disable-pip-version-check -r requirements.lock >$(VENV)/pip.log 2>&1 \
		|| { cat $(VENV)/pip.log; echo "pip install failed"; exit 1; }
	touch $@

venv: $(PY)
install: $(VENV)/.installed

# --- run embedded: SQLite in var/, local files, eager tasks, e-mail to var/mail ------------
run: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

messages: install
	@if find . -path ./$(VENV) -prune -o -type d -name locale -print | grep -q .; then \
		$(PY) manage.py compilemessages --ignore=$(VENV) -v0; \
	else echo "no locale directories yet: nothing to compile"; fi

# --- the whole suite ------------------------------------------------------------------------
test: lint checks test-sqlite test-postgres test-browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

checks: install messages
	$(PY) .ci/check-lock
	$(PY) -m pip check -q --disable-pip-version-check
	$(SQLITE_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: install messages
	$(SQLITE_ENV) $(PYTEST) $(XDIST) -m "not postgres and not browser"

test-postgres: install messages
	DATABASE_URL=$(POSTGRES_URL) bash .ci/postgres-ready
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST) $(XDIST) -m "not browser and not fuzz"

# No browser tests collected (exit 5) is an error once tests/browser holds test files.
test-browser: install messages
	DATABASE_URL=$(POSTGRES_URL) bash .ci/postgres-ready
	status=0; DATABASE_URL=$(POSTGRES_URL) $(PYTEST) -m browser || status=$$?; \
	if [ $$status -eq 5 ] && [ -z "$$(find tests/browser -name 'test_*.py' 2>/dev/null)" ]; then \
		echo "no browser tests yet (tests/browser/test_*.py): nothing to run"; status=0; fi; \
	exit $$status

bench: install messages
	$(PY) benchmarks/contest_listing.py

# Needs PostgreSQL and Redis: 10,000-recipient outbox write and delivery by 2 workers over SMTP.
bench-notify: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench $(PY) benchmarks/notify.py

# PostgreSQL: each script builds its data in a throwaway test_… database next to the one named.
bench-ranking: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_ranking $(PY) benchmarks/ranking.py

bench-assign: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_assign $(PY) benchmarks/assignment.py

bench-export: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_export $(PY) benchmarks/export.py

bench-imports: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_imports $(PY) benchmarks/imports.py

# Announce, bulk screening and opening the review at 1,000 and 10,000 applicants (goal: announce ≤ 2 s).
bench-announce: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_announce $(PY) benchmarks/announce.py

# PostgreSQL + gunicorn (2 workers) + locust, ≤ 60 s of load: saving answers and submitting
# against a bare DB-write view served beside them (benchmark settings only), with the ratios.
bench-load: install messages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_load $(PY) benchmarks/load.py

# Simulated contests with known quality and juror biases (no database): how often each ranking
# method finds the true top 5, and whether the stated chances of winning are calibrated.
bench-calibration: install messages
	$(PY) benchmarks/calibration.py

# --- backups (PostgreSQL): README "Backups" -------------------------------------------------------
# `make backup`: pg_dump of DATABASE_URL's database + the media listing with SHA-256, into a
# timestamped folder under BACKUP_DIR (default var/backups). `make restore BACKUP=<folder>
# DATABASE_URL=<new database>` creates and fills it, then checks every table and media file
# (CLEAN=1 overwrites a database that already holds tables).
.PHONY: backup restore
backup: install
	$(PY) manage.py backup $(if $(BACKUP_DIR),--dir "$(BACKUP_DIR)")

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder> DATABASE_URL=postgres://…/<new database> [CLEAN=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(CLEAN),--clean)

# Regenerate requirements.lock from pyproject.toml in a throwaway virtualenv, keeping the
# current pins where they still fit; `make lock UPGRADE=1` re-resolves everything.
lock:
	rm -rf /tmp/konkurs-lock && python3 -m venv /tmp/konkurs-lock
	/tmp/konkurs-lock/bin/pip install -q --disable-pip-version-check \
		$(if $(UPGRADE),,-c requirements.lock) ".[dev]"
	{ echo "# Exact versions of everything Konkurs installs: runtime, gunicorn and the dev extras."; \
	  echo "# Regenerate with 'make lock' after changing the dependencies in pyproject.toml."; \
	  /tmp/konkurs-lock/bin/pip freeze --exclude-editable | grep -iv '^konkurs\b'; } > requirements.lock
	rm -rf /tmp/konkurs-lock build *.egg-info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
