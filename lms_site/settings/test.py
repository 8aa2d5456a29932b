"""Tests: real PostgreSQL and Redis (make test points DATABASE_URL and REDIS_URL at them)."""

import os

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
# another's keys: gw0 -> db 1, gw1 -> db 2, a plain run -> db 1.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_redis_base = env("REDIS_URL", default="redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
REDIS_URL = f"{_redis_base}/{1 + int(_worker.removeprefix('gw') or 0)}"
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
