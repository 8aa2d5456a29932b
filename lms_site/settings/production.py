"""Production: refuses to start with insecure defaults."""

from django.core.exceptions import ImproperlyConfigured

from lms_site.env import env, env_bool, env_int

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES, SECRET_KEY, require_postgres

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this site answers to (not *).")
if not DATABASES:
    raise ImproperlyConfigured("DATABASE_URL is required in production.")
require_postgres(DATABASES)

# psycopg 3's connection pool, one per process (gunicorn worker or Celery worker).
if env_bool("DB_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", default=2),
        "max_size": env_int("DB_POOL_MAX", default=10),
        "timeout": env_int("DB_POOL_TIMEOUT", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^health/"]

DEMO_ACCOUNTS_ENABLED = False

# Behind nginx, protected files go out through X-Accel-Redirect (deploy/nginx/lms.conf).
MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT", default=True)
# nginx overwrites X-Real-IP with the client's address (deploy/nginx/lms.conf).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="HTTP_X_REAL_IP")

# --- security workstreams: each appends its own lines below its own heading ---
# audit
# mfa
# auth
# privacy
# field encryption: refuse to start without keys, with a malformed key or with a published one.
from privacy.crypto import production_keyring  # noqa: E402

production_keyring(FIELD_ENCRYPTION_KEYS, FIELD_ENCRYPTION_ACTIVE_KEY)  # noqa: F405
# uploads
# headers
