# Scrubroom developer commands. `make run` and `make test` work on a fresh clone: they find
# a Python 3.12+ interpreter, create .venv and install the locked versions (requirements/).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Local runs use the embedded default: SQLite, in-memory channel layer, private media folder
# under var/, console email. DEBUG is on for `make run` and for the commands that only read
# code (mypy, makemigrations); the tests run on the production defaults.
RUN_ENV := SCRUBROOM_DEBUG=1 SCRUBROOM_REGION=$${SCRUBROOM_REGION:-local}

.PHONY: run test test-fast test-browser test-scaled debian-packages lint lock bench migrations-check venv clean

# Tries $PYTHON, then python3.13/3.12/python3 on PATH, then pyenv's installed versions
# (pyenv's own python3.12 shim fails unless PYENV_VERSION is set, so it is probed, not trusted).
define find_python
for c in "$${PYTHON:-}" python3.13 python3.12 python3 \
         $$(command -v pyenv >/dev/null 2>&1 && ls -d "$$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null) \
         $$(ls -d "$$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
  [ -n "$$c" ] || continue; \
  if "$$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
done; exit 1
endef

$(BIN)/.installed: pyproject.toml requirements/dev.txt
	@py=$$( $(find_python) ) || { \
	  echo "Scrubroom needs Python 3.12 or newer and none was found." >&2; \
	  echo "Install one (Debian/Ubuntu: 'apt-get install python3.12 python3.12-venv'; pyenv: 'pyenv install 3.12')," >&2; \
	  echo "or point PYTHON at it: 'make run PYTHON=/path/to/python3.12'." >&2; exit 1; }; \
	echo "Using $$py ($$("$$py" --version))"; \
	[ -x $(BIN)/python ] || "$$py" -m venv $(VENV); \
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt \
	  && $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . && touch $@

venv: $(BIN)/.installed

run: venv
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite, as CI runs it: lint and the import contract, the fast suite and the browser
# journeys on the embedded default (SQLite, in-memory layer, local files), then all of it again
# on the scaled stores.
test: debian-packages lint test-fast test-browser test-scaled

# The edit-test loop: everything but the browser journeys, on the embedded default.
test-fast: venv
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# The browser journeys alone: Debian's Chromium through Playwright (about four minutes).
test-browser: venv
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The whole suite again on PostgreSQL + Redis + S3 (moto) with two Daphne processes.
test-scaled: venv debian-packages
	PYTHON=$(BIN)/python deploy/test-scaled.sh $(PYTEST_ARGS)

# postgresql, redis-server, docker-compose: installed when missing (as root), or named.
debian-packages:
	@deploy/debian-packages.sh

# Ruff (lint and format), mypy, and the import contract between the apps; CI fails on any.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(RUN_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

migrations-check: venv
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Rewrite the lock files from pyproject.toml: after changing a dependency, or to take new
# releases (`make lock UPGRADE=1`). The runtime lock constrains the dev lock, so both agree.
LOCK_FLAGS := --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: venv
	$(BIN)/pip-compile $(LOCK_FLAGS) -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -c requirements/base.txt \
	  -o requirements/dev.txt pyproject.toml

bench: venv
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/*.py; do $(BIN)/python "$$f"; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) var/
