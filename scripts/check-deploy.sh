#!/bin/sh
# `manage.py check --deploy` on the production settings, failing on any warning.
#
# Runs in an empty environment (only PATH and HOME pass through), so what is checked is the
# production defaults, not whatever the caller's shell exports; the values below are the ones
# production refuses to start without, throwaway but valid (random each run). Nothing
# connects to them. Used by `make test` and tests/security/test_headers.py.
#
# Usage: scripts/check-deploy.sh [python]   (default .venv/bin/python, from the repository root)
set -eu
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}

secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
field_key=$("$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')

exec env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    DJANGO_SETTINGS_MODULE=lms_site.settings.production \
    SECRET_KEY="$secret" \
    ALLOWED_HOSTS=lms.example.org \
    DATABASE_URL=postgres://lms@127.0.0.1:5432/lms \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    FIELD_ENCRYPTION_KEYS="deploy-check:$field_key" \
    FIELD_ENCRYPTION_ACTIVE_KEY=deploy-check \
    "$PY" manage.py check --deploy --fail-level WARNING
