"""Settings shared by every environment.

Safe for production by default: everything that varies between machines is read from the
environment (see the configuration table in README.md), and a missing required value fails
loudly instead of falling back to something insecure.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from lms_site.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates override the libraries'.
    "lms_site",
    "audit",
    "privacy",
    "uploads",
    "accounts",
    "mfa",
    "profiles",
    "home",
    "courses",
    "learning",
    "assessments",
    "certificates",
    "search",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.LmsWagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    # API
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from our static files, no CDN
    "django_filters",
    # Accounts
    "allauth",
    "allauth.account",
    # Security: second factor (TOTP + backup codes), login lockout, Content-Security-Policy
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "lms_site.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's CSPMiddleware, choosing the site, admin, API docs or non-HTML policy.
    "lms_site.headers.SiteCSPMiddleware",
    "lms_site.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mfa.middleware.OTPMiddleware",  # django-otp's, with the session's device cached (no query per request)
    # Before the session and MFA checks, which leave a message when they sign someone out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "mfa.middleware.MFARequiredMiddleware",
    # New terms or privacy policy not accepted yet (marked at sign-in): the accept page first.
    "profiles.consent.ConsentRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # django-axes: last, as its documentation asks (it answers locked-out requests).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.site_settings",
                "accounts.context_processors.admin_access",
            ],
        },
    },
]

WSGI_APPLICATION = "lms_site.wsgi.application"

# --- Database ---------------------------------------------------------------------------
# DATABASE_URL is required outside dev; dev.py supplies a SQLite default.
DATABASE_URL = env("DATABASE_URL", default="")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)} if DATABASE_URL else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis) -----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # RELEASE is part of every key: a deploy with new templates never serves HTML cached
        # by the previous release.
        "KEY_PREFIX": f"{env('CACHE_KEY_PREFIX', default='lms')}:{env('RELEASE', default='dev')}",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before any password check.
    "accounts.backends.LockoutBackend",
    # The email is USERNAME_FIELD: ModelBackend signs in with the primary address only. allauth's
    # backend is left out on purpose: it also accepts secondary addresses, even unverified ones.
    "django.contrib.auth.backends.ModelBackend",
]
# AUTH_PASSWORD_VALIDATORS, lockout (django-axes) and the reset link lifetime: settings/parts/auth.py.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login, there is no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[WCHI LMS] "
# ACCOUNT_FORMS and ACCOUNT_RATE_LIMITS: settings/parts/auth.py.

# --- Internationalization -----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Protected media ---------------------------------------------------------------------
# Lesson videos and documents go out through learning.media after a permission check. Off
# (development): Django streams them itself, with byte ranges. On (production, behind nginx):
# Django answers with an empty body and `X-Accel-Redirect: <prefix><path under MEDIA_ROOT>`, and
# nginx's internal location of that prefix (deploy/nginx/lms.conf) sends the bytes.
MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT", default=False)
# The request header (META key) holding the client's address, set by a proxy you run
# (lms_site/client_ip.py); empty = REMOTE_ADDR. Recorded for exams and flag tries.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
# Content types by extension, so they do not depend on the machine's /etc/mime.types.
WAGTAILDOCS_CONTENT_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "zip": "application/zip",
    "pcap": "application/vnd.tcpdump.pcap",
    "pcapng": "application/octet-stream",
    "json": "application/json",
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="WCHI LMS <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "WCHI LMS"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# /api/v2/pages/ builds its detail_url links on the same public address.
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "md", "csv", "zip", "pcap", "pcapng", "json", "mp4", "webm"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Wagtail 8 runs its own background work (search index and reference index updates) through
# django-tasks. We run those inline in the request on purpose: they are small, and keeping
# them out of a second queue means Celery stays the one place where background work lives.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["lms_site.rest.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["lms_site.rest.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "lms_site.rest.pagination.EnvelopePageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "lms_site.rest.exceptions.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        "auth": env("API_THROTTLE_AUTH", default="10/min"),
        # Public certificate verification (certificates.rest_api.v1), per client address.
        "certificate_verify": env("API_THROTTLE_CERTIFICATE_VERIFY", default="60/min"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", default=5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", default=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry a digest of the password hash: a password change ends every access token.
    "CHECK_REVOKE_TOKEN": True,
    "CHECK_USER_IS_ACTIVE": True,
}

# --- Sessions -------------------------------------------------------------------------------
# Idle limits per role and an absolute limit (accounts.sessions); the cookie never outlives it.
SESSION_IDLE_TIMEOUT_LEARNER = env_int("SESSION_IDLE_TIMEOUT_LEARNER", default=30 * 60)
SESSION_IDLE_TIMEOUT_STAFF = env_int("SESSION_IDLE_TIMEOUT_STAFF", default=15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

SPECTACULAR_SETTINGS = {
    "TITLE": "WCHI LMS API",
    "DESCRIPTION": (
        "Versioned REST API of the WCHI learning platform. Every response is wrapped in the "
        "envelope `{status, data | errors, meta}`; lists carry `meta.pagination`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["lms_site.rest.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lms_site.rest.schema.wrap_responses_in_envelope",
    ],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # /api/v1/docs/ loads Swagger UI from our own static files (drf-spectacular-sidecar): it works
    # offline and its Content-Security-Policy names no third-party host.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Named explicitly where two apps' `status` choices would collide.
    "ENUM_NAME_OVERRIDES": {
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
        "EnrollmentStatusEnum": "learning.models.Enrollment.Status",
        "AttemptStatusEnum": "assessments.models.Attempt.Status",
    },
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran, and put back if its worker dies mid-run: tasks
# are idempotent, so running twice is safe and losing one is not (see VERIFIED.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Periodic tasks (run `celery -A lms_site beat` beside the workers).
CELERY_BEAT_SCHEDULE = {
    # The server owns the quiz clock: attempts left open past their deadline are submitted.
    "assessments-close-expired-attempts": {"task": "assessments.attempts_close_expired", "schedule": 60.0},
    # Daily: learners whose certificate expires within CERTIFICATE_REMINDER_DAYS are emailed once.
    "certificate-expiry-reminders": {
        "task": "certificates.certificate_expiry_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # Hourly: certificates whose PDF task was lost get it queued again.
    "certificate-pdfs-missing": {
        "task": "certificates.certificate_pdfs_missing_requeue",
        "schedule": crontab(minute=17),
    },
    # Every 5 minutes: uploads held while the virus scanner was down or slow are scanned again;
    # clean ones are released, infected ones stay in quarantine (uploads).
    "uploads-rescan-pending": {"task": "uploads.rescan_pending", "schedule": 300.0},
    # Hourly: erase the accounts whose grace period (ERASURE_GRACE_DAYS) ended (privacy).
    "privacy-erasure-due": {"task": "privacy.erasure_due", "schedule": crontab(minute=23)},
    # Hourly: delete export archives whose download link expired (privacy).
    "privacy-exports-expired": {"task": "privacy.exports_expired_delete", "schedule": crontab(minute=41)},
}
CELERY_TIMEZONE = "UTC"

# --- Site content cache -------------------------------------------------------------------
# Course outlines and rendered lesson bodies are cached by page and revision.
CONTENT_CACHE_TIMEOUT = env_int("CONTENT_CACHE_TIMEOUT", default=24 * 3600)

# --- Certificates ---------------------------------------------------------------------------
# Days before a certificate expires when its learner is emailed (once) and may recertify.
CERTIFICATE_REMINDER_DAYS = env_int("CERTIFICATE_REMINDER_DAYS", default=30)

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lms_site.logging.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default config gives "django" its own console handler (DEBUG only) and
        # mail_admins; with ours on the root logger every record printed twice in dev.
        "django": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}


def require_postgres(databases: dict) -> None:
    """Fail loudly when the default database is not PostgreSQL."""
    engine = databases.get("default", {}).get("ENGINE", "")
    if "postgresql" not in engine:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…) in this environment.")


# --- Security and compliance (one module per concern, see lms_site/settings/parts/) ----------
from lms_site.settings.parts.audit import *  # noqa: E402, F403
from lms_site.settings.parts.auth import *  # noqa: E402, F403
from lms_site.settings.parts.headers import *  # noqa: E402, F403
from lms_site.settings.parts.mfa import *  # noqa: E402, F403
from lms_site.settings.parts.privacy import *  # noqa: E402, F403
from lms_site.settings.parts.uploads import *  # noqa: E402, F403
