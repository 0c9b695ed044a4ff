# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed static lint typecheck check-deploy check-migrations worker beat mail clean

# The anonymiser's English word lists come from Debian (wbritish, wbritish-large).
WORD_LISTS := /usr/share/dict/british-english /usr/share/dict/british-english-large

$(STAMP): pyproject.toml requirements.lock | $(WORD_LISTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

$(WORD_LISTS):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wbritish wbritish-large; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq wbritish wbritish-large; \
	else echo "Install Debian's wbritish and wbritish-large (the anonymiser's word lists), or set ANONYMISER_WORD_LIST and ANONYMISER_COMMON_WORD_LIST"; exit 1; fi

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

# The static files, collected where the app serves them when DEBUG is off.
static: install
	$(BIN)/python manage.py collectstatic --no-input -v 0

run: seed static
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs over the packages in pyproject.toml's [tool.mypy] `files`.
typecheck: install
	$(BIN)/mypy

check-deploy: install
	DJANGO_SETTINGS_MODULE=placements.settings.production \
	DJANGO_SECRET_KEY=check-deploy-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=placements.council.example \
	EMAIL_URL=smtp://relay.council.example:587 CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The migrations keep data: BASE's code (default: the merge-base with main) migrates and
# seeds a fresh PostgreSQL database, this checkout migrates it, and no table may lose
# rows (scripts/check_migrations_keep_data.py; MIGRATE_CHECK_DB names the database).
BASE ?=
check-migrations: install
	$(BIN)/python scripts/check_migrations_keep_data.py $(BASE)

# Outside docker these use the local settings; the image sets production.
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-placements.settings.local} \
	$(BIN)/celery -A placements worker --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-placements.settings.local} \
	$(BIN)/celery -A placements beat --loglevel=INFO --schedule var/celerybeat-schedule

# A local SMTP sink for trying email outside Docker: it prints every message it gets.
# Point the service at it with EMAIL_URL=smtp://127.0.0.1:1025.
mail: install
	$(BIN)/python -m aiosmtpd -n -c aiosmtpd.handlers.Debugging -l 127.0.0.1:1025

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache
