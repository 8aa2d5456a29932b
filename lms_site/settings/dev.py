"""Zero-setup development: SQLite, in-memory cache, Celery tasks run inline, mail to console."""

from lms_site.env import env

from .base import *  # noqa: F403
from .base import BASE_DIR, dj_database_url

DEBUG = True
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lms-dev"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://localhost/"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405

# Demo accounts are seeded only where this is true (dev settings, never production).
DEMO_ACCOUNTS_ENABLED = True

# Serve static files from the app directories without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# --- security workstreams: each appends its own lines below its own heading ---
# audit
# mfa
# auth
# privacy
# field encryption: the published development key (privacy.crypto.DEVELOPMENT_KEYS) unless set.
from privacy.crypto import DEVELOPMENT_KEYS  # noqa: E402

FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", default=DEVELOPMENT_KEYS)
FIELD_ENCRYPTION_ACTIVE_KEY = env("FIELD_ENCRYPTION_ACTIVE_KEY", default="dev1")
# uploads
# `scripts/clamd-test.sh start` runs a local clamd (EICAR-only signatures) on this socket; without
# it, admin uploads are accepted but held until `manage.py upload_quarantine rescan` finds clamd.
CLAMD_SOCKET = env("CLAMD_SOCKET", default=str(BASE_DIR / ".services" / "clamd" / "clamd.sock"))
# headers
