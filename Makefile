# Two commands do everything: `make run` (demo server + worker) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.12 found: python3.13, python3.12, then pyenv's installs.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
ADDRESS ?= 127.0.0.1:8000

.PHONY: help install paquets run migrate test test-unit test-browser lint bench charge clean

help:
	@echo "make run    installe, migre, charge la démo et lance le serveur + le worker"
	@echo "make test   installe et passe toutes les vérifications et tous les tests"
	@echo "            (SANS_NAVIGATEUR=1 make test : sans les tests navigateur, comptés)"
	@echo "make bench  mesure les budgets de performance (docs/benchmarks.md)"
	@echo "make charge scénario de charge Locust sur gunicorn + worker (docs/charge.md)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "ERREUR : Python >= 3.12 introuvable (python3.13 ou python3.12). Installez-le puis relancez." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Web server and django-q2 worker together; Ctrl-C (or either one dying) stops both.
# qcluster may hang in its own SIGTERM handler (django-q2 issue #346): after 10 s it is
# killed, with the workers it started.
ARRETER = kill $$(jobs -p) 2>/dev/null; \
	for i in $$(seq 20); do [ -z "$$(jobs -pr)" ] && break; sleep .5; done; \
	for p in $$(jobs -pr); do pkill -KILL -P $$p; kill -KILL $$p; done 2>/dev/null; wait
run: migrate
	$(BIN)/python manage.py donnees_demo --si-vide
	@echo "Démo sur http://$(ADDRESS) (identifiants dans README.md). Ctrl-C pour arrêter."
	@trap '$(ARRETER)' EXIT INT TERM; \
	$(BIN)/python manage.py qcluster & \
	$(BIN)/python manage.py runserver --noreload $(ADDRESS) & \
	wait -n

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Debian's packages the tests need (never `playwright install`): pdftotext reads the PDFs
# back, chromium runs the browser tests. Installed here when we are root, otherwise the one
# command to run is given.
PDFTOTEXT ?= /usr/bin/pdftotext
CHROMIUM ?= /usr/bin/chromium
PAQUETS := $(PDFTOTEXT):poppler-utils $(if $(filter 1,$(SANS_NAVIGATEUR)),,$(CHROMIUM):chromium)
paquets:
	@manquants=""; for couple in $(PAQUETS); do \
		[ -x "$${couple%%:*}" ] || manquants="$$manquants $${couple#*:}"; done; \
	if [ -z "$$manquants" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installation des paquets Debian des tests :$$manquants"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$manquants; \
	else \
		echo "ERREUR : paquets Debian nécessaires aux tests :$$manquants. Installez-les :" >&2; \
		echo "    sudo apt-get install -y$$manquants" >&2; \
		echo "(chromium sert aux tests navigateur : SANS_NAVIGATEUR=1 make test les laisse de côté)" >&2; \
		exit 1; \
	fi

test-unit: install paquets
	$(BIN)/pytest -m "not browser"

# Leaving the browser tests out is an explicit choice, and says how many were left out.
ifeq ($(SANS_NAVIGATEUR),1)
test-browser: install
	@n=$$($(BIN)/pytest -m browser --collect-only -q | grep -c '::'); \
	echo "SANS_NAVIGATEUR=1 : $$n tests navigateur laissés de côté (non exécutés)."
else
test-browser: install paquets
	$(BIN)/pytest -m browser
endif

# The packages first: a missing one stops before the long unit run, not after it.
test: lint paquets test-unit test-browser

# The benchmark runs on a database of its own (built once, then reused) with DEBUG off:
#   make bench                                                 SQLite, bench.sqlite3
#   make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench
#   make bench BENCH_ARGS=--reconstruire                       recreate the data
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.test \
		$(BIN)/python manage.py bench $(BENCH_ARGS)

# The load scenario (docs/charge.md): gunicorn as deployed (production settings, the
# environment below standing for /etc/stages/env) and a qcluster worker, on a database of
# its own rebuilt before each run:
#   make charge                                                SQLite, charge.sqlite3
#   make charge DATABASE_URL=postgres://postgres@127.0.0.1:5432/charge_db UTILISATEURS=50
#   make charge UTILISATEURS=25 DUREE=60 IMPORT=5000           a 5 000-row import meanwhile
CHARGE_DATABASE_URL ?= $(or $(DATABASE_URL),sqlite:///$(CURDIR)/charge.sqlite3)
UTILISATEURS ?= 10
DUREE ?= 60
IMPORT ?= 0
# The private folders the production settings require (previews of imports, uploads).
CHARGE_PRIVE := $(CURDIR)/prive/charge
charge: install
	mkdir -p -m 700 $(CURDIR)/prive $(CHARGE_PRIVE) $(CHARGE_PRIVE)/imports $(CHARGE_PRIVE)/tmp
	DATABASE_URL=$(CHARGE_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.charge \
		IMPORTS_DIR=$(CHARGE_PRIVE)/imports \
		SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=127.0.0.1,localhost EMAIL_HOST=127.0.0.1 \
		DEFAULT_FROM_EMAIL=charge@exemple.invalid PROXIES_DE_CONFIANCE=0 \
		$(BIN)/python manage.py charge --utilisateurs $(UTILISATEURS) --duree $(DUREE) \
		--import $(IMPORT)

clean:
	rm -rf $(VENV) staticfiles
