# Newsroom's entry points. `make run` for a local demo site, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs with DEBUG off, as production does; these values are for tests only.
TEST_ENV := DEBUG= SECRET_KEY=tests-only-secret-key-0123456789abcdefghijklmnop ALLOWED_HOSTS=testserver,localhost,127.0.0.1

.PHONY: install install-test run serve test lint format lock messages screenshots audit bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: requirements-dev.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	@# The task worker (renditions of uploaded pictures) runs beside the server and stops with it.
	DEBUG=1 sh -c '$(BIN)/python manage.py db_worker & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)'

# Production-like: gunicorn with gunicorn.conf.py, DEBUG off, static files through WhiteNoise.
# SECRET_KEY and ALLOWED_HOSTS come from the environment; for a local try-out a key is kept
# in var/secret_key and the site answers on 127.0.0.1 and localhost.
serve: install
	@test -n "$$SECRET_KEY" || test -s var/secret_key || \
		$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" DEBUG= sh -c '\
		$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
		$(BIN)/python manage.py migrate --no-input && \
		{ $(BIN)/python manage.py db_worker & worker=$$!; \
		  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		  PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py; }'

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The README's screenshots, taken by the browser tests in Debian's Chromium.
screenshots: install-test
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SCREENSHOT_DIR=docs/screenshots $(TEST_ENV) $(BIN)/pytest tests/test_browser.py tests/test_desk_browser.py -k screenshots -q

# Lighthouse, axe-core and the Nu HTML checker on every page type; writes docs/quality.md.
# Needs Debian's chromium, chromium-driver and a Java runtime (see README, "Quality").
audit: install-test audit/node_modules/.installed
	@command -v chromedriver >/dev/null && command -v java >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei default-jre-headless)
	$(BIN)/python audit/audit.py

audit/node_modules/.installed: audit/package-lock.json
	cd audit && CHROMEDRIVER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Load test against PostgreSQL and Redis, with Varnish in front, compared with yardsticks
# served in the same run; writes docs/benchmarks.md. Needs wrk, Varnish and nginx (Debian
# packages, installed here if missing) and the local PostgreSQL and Redis.
bench: install
	@command -v wrk >/dev/null && command -v varnishd >/dev/null && command -v nginx >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq wrk varnish varnish-modules nginx-light)
	$(BIN)/python bench/run.py

# Re-pin every dependency after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --python-version 3.11 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra test pyproject.toml -o requirements-dev.lock

# Refresh the message catalogues after changing translatable text (needs GNU gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'var/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static
