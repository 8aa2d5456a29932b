"""Settings of the audit workstream (imported at the end of base.py).

The audit trail (audit/) and keeping secrets out of logs and error reports.
"""

from lms_site.env import env

# Key of the pseudonymous actor id in audit rows (HMAC-SHA256 of the user's primary key), and of
# the hashed login identifiers of failed logins. Empty: derived from SECRET_KEY at run time.
# Set it in production so rotating SECRET_KEY does not change everyone's pseudonym; changing it
# makes older rows unsearchable by user (they stay verifiable: the chain does not use it).
AUDIT_PSEUDONYM_KEY = env("AUDIT_PSEUDONYM_KEY", default="")
# How much of a user agent an audit row keeps.
AUDIT_USER_AGENT_MAX_LENGTH = 512
# Rows per page in the Wagtail admin's audit trail viewer.
AUDIT_VIEWER_PAGE_SIZE = 50

# Django's error reports (500 emails, the debug page) hide POST fields, headers and settings
# whose names look secret: passwords, tokens, OTP codes, Authorization, cookies.
DEFAULT_EXCEPTION_REPORTER_FILTER = "audit.log_redaction.SecretExceptionReporterFilter"


def _add_secret_redaction(logging_config: dict) -> None:
    """Every log handler redacts secrets (audit.log_redaction) before a record is written."""
    logging_config.setdefault("filters", {})["redact_secrets"] = {"()": "audit.log_redaction.SecretRedactionFilter"}
    for handler in logging_config.get("handlers", {}).values():
        filters = handler.setdefault("filters", [])
        if "redact_secrets" not in filters:
            filters.insert(0, "redact_secrets")


# base.py star-imports this module at its end, after LOGGING is defined: add the filter there.
from lms_site.settings import base as _base  # noqa: E402

_add_secret_redaction(_base.LOGGING)
