# Everyday commands. `make run` and `make test` need nothing but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv migrate demo lint bandit-en-audit format check clean bench bench-schaal bench-belasting bench-schrijven \
	backup herstel verhuis

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(BIN)/.installed

## Start web server, Celery worker and beat on the embedded defaults, with demo data.
run: venv
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py laad_demo
	@echo ""
	@echo "  Douane Portfolio draait op http://$(HOST):$(PORT)/  (Ctrl-C stopt alles)"
	@echo "  Mails staan in var/mail/. Log in met een van de gebruikers hierboven."
	@echo ""
	@DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) exec $(BIN)/python scripts/start_alles.py

## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL says so),
## on two processes; `make test PYTEST_ARGS=` runs it in one. loadgroup: one test at a time
## to whichever process is free, a module marked xdist_group as one unit (its module-wide
## fixtures built once), in the order of tests/conftest.py (no reordering by size).
PYTEST_ARGS ?= -n 2 --dist loadgroup --no-loadscope-reorder
test: venv
	@SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

migrate: venv
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: venv
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py laad_demo

## Ruff, the import layers (lint-imports, contracts in pyproject.toml), bandit (medium
## severity and up) and pip-audit. Offline, pip-audit warns that it
## checked nothing instead of failing; CI (.ci/run) fails then unless PIP_AUDIT_OFFLINE=1.
BANDIT_ARGS := -q -r douane_portfolio herinneringen programmas risicos audits rapportage api importeren inloggen \
	scripts manage.py \
	-x '*/migrations/*' --severity-level medium
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/bandit $(BANDIT_ARGS)
	@PIP_AUDIT_OFFLINE=$${PIP_AUDIT_OFFLINE:-1} $(BIN)/python scripts/afhankelijkheden_controleren.py

## What CI runs: pip-audit strict unless PIP_AUDIT_OFFLINE=1 is set explicitly.
bandit-en-audit: venv
	$(BIN)/bandit $(BANDIT_ARGS)
	$(BIN)/python scripts/afhankelijkheden_controleren.py

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: venv
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/ .pytest_cache

## Back up database (history included) and uploaded files into one checked archive,
## under var/backups/ or UIT=map. README, "Backup, herstel en verhuizen".
UIT ?= var/backups
backup: venv
	$(BIN)/python manage.py maak_backup --uit "$(UIT)"

## Restore an archive into an empty database and media folder, then check it:
## `make herstel ARCHIEF=var/backups/backup-…` (FORCE=1 wipes a non-empty one first).
herstel: venv
	@test -n "$(ARCHIEF)" || { echo "Gebruik: make herstel ARCHIEF=map-van-de-backup [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py herstel_backup "$(ARCHIEF)" $(if $(FORCE),--force)

## Move the embedded SQLite database to PostgreSQL: `make verhuis NAAR=postgres://…`.
verhuis: venv
	@test -n "$(NAAR)" || { echo "Gebruik: make verhuis NAAR=postgres://gebruiker@host:5432/naam"; exit 2; }
	$(BIN)/python manage.py verhuis_database --naar "$(NAAR)" $(if $(FORCE),--force)

## Speed targets (not part of the tests): the 2023 report on a fresh demo database.
bench: venv
	@rm -rf var/bench && mkdir -p var/bench
	@DEBUG=1 VAR_DIR=var/bench $(BIN)/python manage.py migrate --noinput -v 0
	@DEBUG=1 VAR_DIR=var/bench $(BIN)/python manage.py laad_demo > /dev/null
	@DEBUG=1 VAR_DIR=var/bench $(BIN)/python manage.py benchmark_rapport

## Throughput of gunicorn workers under concurrent clients on the bench-schaal database:
## `make bench-belasting BELASTING_ARGS="--workers 2 --clients 8 --pad /risicos/"`.
BELASTING_ARGS ?=
bench-belasting: venv
	@case "$$DATABASE_URL" in postgres*) ;; \
	  *) echo "bench-belasting meet op PostgreSQL: zet DATABASE_URL=postgres://..." >&2; exit 1;; esac
	@$(BIN)/python scripts/belasting.py $(BELASTING_ARGS)

## Concurrent writers on the bench-schaal database (it writes: actions to vervallen and back):
## `make bench-schrijven SCHRIJF_ARGS="--schrijvers 1 2 4 8 --seconden 10 [--een-bevinding]"`.
SCHRIJF_ARGS ?=
bench-schrijven: venv
	@case "$$DATABASE_URL" in postgres*) ;; \
	  *) echo "bench-schrijven meet op PostgreSQL: zet DATABASE_URL=postgres://..." >&2; exit 1;; esac
	@$(BIN)/python scripts/schrijflast.py $(SCHRIJF_ARGS)

## Scale benchmark (issue 13), PostgreSQL only: builds the data set (SCHAAL=1.0 is ten times
## one agency; it wipes the domain tables of DATABASE_URL) and measures every screen next to
## the Django admin and the bare query. Writes var/bench/schaal.md and schaal.json.
## `make bench-schaal SCHAAL=0.1 BENCH_ARGS="--zwaar"` adds PDF/Word, exports and the sweep.
SCHAAL ?= 1.0
BENCH_KEER ?= 7
BENCH_ARGS ?=
bench-schaal: venv
	@case "$$DATABASE_URL" in postgres*) ;; \
	  *) echo "bench-schaal meet op PostgreSQL: zet DATABASE_URL=postgres://..." >&2; exit 1;; esac
	@DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	@DEBUG=1 $(BIN)/python manage.py genereer_schaaldata --schaal $(SCHAAL) --leeg-eerst
	@DEBUG=0 SECRET_KEY=$${SECRET_KEY:-bench-schaal-niet-geheim} STATIC_MANIFEST=0 \
	  CACHE_URL=$${CACHE_URL:-locmem://} \
	  $(BIN)/python manage.py benchmark_schaal --keer $(BENCH_KEER) --uitvoer var/bench $(BENCH_ARGS)
