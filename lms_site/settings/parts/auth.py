"""Settings of the auth workstream (imported at the end of base.py).

Login throttling and lockout (django-axes, accounts.lockout), the password policy
(accounts.password_validation), the allauth account flows and the password-reset link lifetime.
"""

from lms_site.env import env_int

# --- Lockout profiles (SECURITY.md) --------------------------------------------------------
# Failures are counted per attempted account on every login path (site, API token, both admins,
# OTP entry) and per client address. A counter starts over once its window has passed without a
# new failure; a locked account or address waits out the rest of its window.
LOGIN_LEARNER_FAILURE_LIMIT = env_int("LOGIN_LEARNER_FAILURE_LIMIT", default=5)
LOGIN_LEARNER_WINDOW_MINUTES = env_int("LOGIN_LEARNER_WINDOW_MINUTES", default=5)
LOGIN_STAFF_FAILURE_LIMIT = env_int("LOGIN_STAFF_FAILURE_LIMIT", default=3)
LOGIN_STAFF_WINDOW_MINUTES = env_int("LOGIN_STAFF_WINDOW_MINUTES", default=15)
# One address trying many accounts (password spraying). High enough for a shared office or
# campus address where a few people mistype, low enough to stop a script.
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", default=20)
LOGIN_IP_WINDOW_MINUTES = env_int("LOGIN_IP_WINDOW_MINUTES", default=5)

AXES_ENABLED = True
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
# Records are keyed by account; the handler adds the per-address limit itself, because axes
# compares every lockout parameter with one limit and ours differ.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_account"
AXES_CLIENT_IP_CALLABLE = "lms_site.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not extend it, so the wait we show is the true wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are in the audit trail; axes keeps only the short-lived failure counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429

# --- Password policy --------------------------------------------------------------------------
# Length, not composition (NIST SP 800-63B): 12 characters for learners, 15 for staff, up to
# 1024 for passphrases; common passwords and ones close to the account's own details refused.
# Django's NumericPasswordValidator is left out: "must contain a non-digit" is a composition rule.
PASSWORD_MIN_LENGTH_LEARNER = 12
PASSWORD_MIN_LENGTH_STAFF = 15
PASSWORD_MAX_LENGTH = 1024
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.password_validation.RoleMinimumLengthValidator",
        "OPTIONS": {"learner_min_length": PASSWORD_MIN_LENGTH_LEARNER, "staff_min_length": PASSWORD_MIN_LENGTH_STAFF},
    },
    {
        "NAME": "accounts.password_validation.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Password reset ---------------------------------------------------------------------------
# A reset link works once (it is bound to the password hash and last login) and for this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", default=3600)

# --- allauth ----------------------------------------------------------------------------------
ACCOUNT_FORMS = {
    "signup": "profiles.consent_forms.ConsentSignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
# Failed logins are counted by axes (above) on every path; allauth's own counter would answer the
# site login differently from the others, so it is off. Reset requests are limited by
# accounts.forms.ResetPasswordForm with the same profiles.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# A new address is verified before it can become the primary one, which is the login.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 3

# axes.W006 asks for "ip_address" among AXES_LOCKOUT_PARAMETERS; accounts.lockout.LoginLockoutHandler
# applies the per-address limit itself (with its own limit), which axes' check cannot see.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
