# WCHI LMS — developer commands. `make help` lists them.
#
#   make run     zero-setup demo on http://127.0.0.1:8000/ (SQLite, no services needed)
#   make test    lint + migration check + the test suite on real PostgreSQL and Redis
#   make bench   throughput and latency of the hot pages and the API (gunicorn, production settings)
#
# Recipes are POSIX sh; tested with GNU make 4.3.

VENV = .venv
PY = $(VENV)/bin/python
STAMP = $(VENV)/.installed
DEV_SETTINGS = lms_site.settings.dev
TEST_SETTINGS = lms_site.settings.test
RUN_ADDR = 127.0.0.1:8000
SCHEMA_FILE = docs/openapi.yaml
# Extra arguments for pytest, e.g. make test PYTEST_ARGS='-k enrollment -x'
PYTEST_ARGS =
# pytest-xdist processes for the tests that are not browser tests (each gets its own test
# database and Redis database); the browser tests run after them in one process.
TEST_WORKERS = 2

.PHONY: help venv install run seed worker test bench system-deps lint fmt schema clean

help:
	@echo "make run      serve the demo site on http://$(RUN_ADDR)/ (SQLite, seeded demo data)"
	@echo "make test     lint, migration check and tests on PostgreSQL + Redis (reused or started)"
	@echo "make bench    requests/s and latency of the hot pages and the API (production settings, wrk)"
	@echo "make lint     ruff check, ruff format --check, import-linter contracts, bandit, semgrep"
	@echo "make fmt      ruff format + ruff check --fix"
	@echo "make seed     migrate and seed the demo data (dev settings)"
	@echo "make worker   Celery worker (needs a broker: see the comment on the target)"
	@echo "make schema   regenerate $(SCHEMA_FILE) (OpenAPI)"
	@echo "make venv     create $(VENV) and install requirements-dev.txt"
	@echo "make clean    remove $(VENV), db.sqlite3 and caches"

# --- environment -----------------------------------------------------------------------------

venv install: $(STAMP)

# Re-installs only when a requirements file changed since the last install.
$(STAMP): requirements.txt requirements-dev.txt
	@scripts/bootstrap-venv.sh $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# --- running ---------------------------------------------------------------------------------

# Dev settings: SQLite (db.sqlite3), in-memory cache, Celery tasks run inline; DEBUG serves static.
run: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py runserver $(RUN_ADDR)

seed: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo

# A worker is only useful with a real broker. Dev settings run tasks eagerly (inline, in the
# web process) and pin CELERY_BROKER_URL to memory://, so under them a worker receives nothing.
# Run it with settings that use Redis and are not eager, e.g.
#   DJANGO_SETTINGS_MODULE=lms_site.settings.production REDIS_URL=redis://127.0.0.1:6379/0 … make worker
# (CELERY_BROKER_URL defaults to REDIS_URL there; production also needs SECRET_KEY,
# ALLOWED_HOSTS and DATABASE_URL — see deploy/.env.example).
worker: $(STAMP)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-$(DEV_SETTINGS)} $(VENV)/bin/celery -A lms_site worker -l info

# --- checks ----------------------------------------------------------------------------------

# bandit: no high-severity finding; semgrep: our own rules only (.semgrep/rules, offline), each
# proven on its fixture first (`semgrep --test`, .semgrep/tests). A justified exception carries
# `# nosec` / `# nosemgrep: <rule> - <reason>` on its line (README: static analysis).
LINT_PACKAGES = lms_site audit privacy uploads accounts mfa profiles home courses learning assessments certificates search
SEMGREP_FLAGS = --metrics=off --disable-version-check --quiet

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -r $(LINT_PACKAGES) --severity-level high --quiet
	@echo "semgrep --test --config .semgrep/rules/ .semgrep/tests/"; \
	out=$$($(VENV)/bin/semgrep --test $(SEMGREP_FLAGS) --config .semgrep/rules/ .semgrep/tests/ 2>&1) || { echo "$$out"; exit 1; }
	$(VENV)/bin/semgrep scan $(SEMGREP_FLAGS) --config .semgrep/rules/ --error $(LINT_PACKAGES) templates

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix --exit-zero --quiet .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check .

# Debian packages the tests use: Chromium (Playwright browser tests drive /usr/bin/chromium;
# Playwright cannot download its own browser here), poppler-utils (PDF text and images) and
# nginx (the deploy config is checked with `nginx -t`).
# Installed when missing and possible (root or password-less sudo); otherwise the exact
# command is printed and the target fails.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] || missing="$$missing clamav-daemon"; \
	command -v clamdscan >/dev/null 2>&1 || missing="$$missing clamdscan"; \
	if [ -n "$$missing" ]; then scripts/apt-install.sh $$missing; fi

# PostgreSQL and Redis come from scripts/test-services.sh: the ones already running on their
# standard ports, or throwaway ones it starts (and `down` stops, whatever pytest's result).
# Each run has its own state file and, on a shared server, its own test database, so runs
# in parallel (several people on one machine) do not drop each other's databases.
# The recipe exits with pytest's own status (make shows it as "Error N" and exits 2): the
# first failing run's. 5, "no tests collected", fails only when neither run collected a test
# (PYTEST_ARGS='-k …' may select only browser tests, or none).
test: $(STAMP) system-deps
	@$(MAKE) --no-print-directory lint
	@LMS_SERVICES_STATE=$(CURDIR)/.services/state.$$$$; export LMS_SERVICES_STATE; \
	scripts/test-services.sh prune; \
	trap 'scripts/test-services.sh down' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	exports=$$(scripts/test-services.sh up) || exit 1; \
	eval "$$exports"; \
	echo "==> DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL" | sed 's|://\([^:/@]*\):[^@]*@|://\1:***@|g'; \
	echo "==> makemigrations --check"; \
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) \
	    -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
	    manage.py makemigrations --check --dry-run || exit $$?; \
	echo "==> manage.py check --deploy (production settings, throwaway values)"; \
	scripts/check-deploy.sh $(PY) || exit $$?; \
	echo "==> pytest: everything but the browser tests, $(TEST_WORKERS) processes"; \
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m pytest -m "not e2e" -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	unit=$$?; \
	echo "==> pytest: browser tests (one process: Playwright's event loop must be alone in it)"; \
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m pytest -m e2e $(PYTEST_ARGS); \
	browser=$$?; \
	if [ $$unit -eq 5 ] && [ $$browser -eq 5 ]; then exit 5; fi; \
	for status in $$unit $$browser; do \
	    if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; \
	done

# Throughput and latency of the hot pages and the API, served as in production: gunicorn with
# deploy/gunicorn.conf.py and the production settings, on PostgreSQL + Redis from
# scripts/test-services.sh (reused or throwaway, stopped afterwards), a fresh seeded database
# (dropped afterwards), measured with wrk (Debian package, installed when missing). ~2.5 minutes.
# Settings, e.g. make bench BENCH_WORKERS=4 BENCH_DURATION=30s BENCH_CONNECTIONS=64: see
# scripts/bench.sh. Exits non-zero when any response was not 2xx.
bench: $(STAMP)
	@scripts/apt-install.sh wrk
	@scripts/bench.sh

# --- artefacts -------------------------------------------------------------------------------

# The committed OpenAPI document; CI can diff it against a fresh one.
schema: $(STAMP)
	@mkdir -p $$(dirname $(SCHEMA_FILE))
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py spectacular --file $(SCHEMA_FILE) --validate --fail-on-warn

clean:
	@if [ -x scripts/test-services.sh ]; then scripts/test-services.sh down; scripts/test-services.sh prune; fi
	rm -rf $(VENV) db.sqlite3 .ruff_cache .pytest_cache .import_linter_cache .services staticfiles test-results htmlcov .coverage
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
