"""Tests: real PostgreSQL and Redis (make test points DATABASE_URL and REDIS_URL at them)."""

import os
from urllib.parse import urlsplit, urlunsplit

from lms_site.env import env

from .base import *  # noqa: F403
from .base import dj_database_url, require_postgres

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789abcdef0123456789abcdef"  # noqa: S105
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lms"))}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
require_postgres(DATABASES)

# Each xdist worker gets its own Redis database so one worker's cache.clear() never touches
# another's keys: REDIS_URL's database (default 0) + 1 + the worker number (gw0, gw1, ...).
_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_redis = urlsplit(env("REDIS_URL", default="redis://127.0.0.1:6379/0"))
_base_db = int(_redis.path.strip("/") or 0)
REDIS_URL = urlunsplit(_redis._replace(path=f"/{_base_db + 1 + _worker}"))
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "lms-test"  # noqa: F405
CELERY_BROKER_URL = REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
DEMO_ACCOUNTS_ENABLED = True

# Serve static files from the app directories without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# --- security workstreams: each appends its own lines below its own heading ---
# audit
# The test runner empties every table with TRUNCATE between transactional tests; the audit
# table's trigger lets a TRUNCATE through only in sessions that set this (never UPDATE/DELETE).
_audit_options = DATABASES["default"].setdefault("OPTIONS", {})
_audit_options["options"] = f"{_audit_options.get('options', '')} -c lms.audit_allow_truncate=on".strip()
# mfa
# auth
# privacy
# field encryption: a fixed published test key, whatever the environment says.
from privacy.crypto import TEST_KEYS  # noqa: E402

FIELD_ENCRYPTION_KEYS = TEST_KEYS
FIELD_ENCRYPTION_ACTIVE_KEY = "test1"
# uploads
# headers
