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

.PHONY: help install chromium run migrate test test-unit test-browser lint bench clean

help:
	@echo "make run    installe, migre, charge la démo et lance le serveur + le worker"
	@echo "make test   installe et passe toutes les vérifications et tous les tests"
	@echo "            (SANS_NAVIGATEUR=1 make test : sans les tests navigateur, comptés)"
	@echo "make bench  mesure les budgets de performance (docs/benchmarks.md)"

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
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The browser tests run on Debian's chromium (never `playwright install`): installed here
# when we are root, otherwise the one command to run is given.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installation de chromium (tests navigateur)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "ERREUR : chromium ($(CHROMIUM)) est nécessaire aux tests navigateur. Installez-le :" >&2; \
		echo "    sudo apt-get install -y chromium" >&2; \
		echo "(ou laissez ces tests de côté : SANS_NAVIGATEUR=1 make test)" >&2; \
		exit 1; \
	fi

test-unit: install
	$(BIN)/pytest -m "not browser"

# Leaving the browser tests out is an explicit choice, and says how many were left out.
ifeq ($(SANS_NAVIGATEUR),1)
NAVIGATEUR :=
test-browser: install
	@n=$$($(BIN)/pytest -m browser --collect-only -q | grep -c '::'); \
	echo "SANS_NAVIGATEUR=1 : $$n tests navigateur laissés de côté (non exécutés)."
else
NAVIGATEUR := chromium
test-browser: install chromium
	$(BIN)/pytest -m browser
endif

# chromium first: a missing browser stops before the long unit run, not after it.
test: lint $(NAVIGATEUR) test-unit test-browser

# The benchmark runs on a database of its own (built once, then reused) with DEBUG off:
#   make bench                                                 SQLite, bench.sqlite3
#   make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench
#   make bench BENCH_ARGS=--reconstruire                       recreate the data
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.test \
		$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles
