"""Secrets never reach logs or error reports.

`SecretRedactionFilter` sits on every handler of LOGGING (lms_site/settings/parts/audit.py). It
rewrites a record in place before it is written: the message is formatted once and cleaned,
`extra` values under secret-looking names are replaced, and an exception's text is cleaned too.
It is a net under code that should not log secrets in the first place; it cannot know a
password that is logged bare, without a name, so never log request bodies or credentials.

`SecretExceptionReporterFilter` is Django's error-report filter with a wider idea of what is
secret (OTP codes, Authorization and cookie headers, any POST field with a secret-looking name).
"""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

REDACTED = "[redacted]"

# Names whose values are secrets. Matched as whole key names (with prefixes and suffixes, e.g.
# new_password1, refresh_token, HTTP_AUTHORIZATION, otp_token, backup_codes).
_SENSITIVE_KEYS = (
    r"[\w.-]*?(?:pass(?:word|wd|phrase)|pwd|secret|token|otp|totp|authorization|api[_-]?key|cookie"
    r"|session[_-]?id|sessionid|backup[_-]?codes?|signature)[\w.-]*|access|refresh"
)
SECRET_NAME = re.compile(rf"^(?:{_SENSITIVE_KEYS})$", re.IGNORECASE)

# POST fields that are secrets here though their names are plain (mfa's one-time "code").
SECRET_POST_FIELDS = frozenset({"code", "otp", "key"})

# key=value, key: value, "key": "value", 'key': 'value' (the separator may be spaced).
_KEY_VALUE = re.compile(
    rf"""(?P<key>["']?\b(?:{_SENSITIVE_KEYS})\b["']?\s*[:=]\s*)"""
    r"""(?P<value>(?!\[redacted\])(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:Bearer|Basic|Token)\s+[^\s,;&'"}\])]+|[^\s,;&'"}\])]+))""",
    re.IGNORECASE,
)
# A JSON Web Token anywhere (header.payload.signature, base64url).
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
# Credentials after an auth scheme: "Bearer abc", "Basic dXNlcjpwYXNz".
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# Single-use keys in URL paths: allauth password reset and email confirmation, Django's reset.
_URL_KEY = re.compile(r"(/(?:password/reset/key|confirm-email|reset)/)[^/\s?#\"']+")

# Attributes every LogRecord has: the rest came from `extra=`.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def redact_text(text: str) -> str:
    """The text with secret values replaced by [redacted]."""
    if not text:
        return text
    text = _KEY_VALUE.sub(lambda match: f"{match.group('key')}{REDACTED}", text)
    text = _AUTH_SCHEME.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    return _URL_KEY.sub(lambda match: f"{match.group(1)}{REDACTED}", text)


def redact_value(value, *, depth: int = 0):
    """A copy of a log `extra` value with secrets replaced (dicts by key name, strings by content)."""
    if depth > 5:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and SECRET_NAME.match(key) else redact_value(item, depth=depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item, depth=depth + 1) for item in value)
    return value


class SecretRedactionFilter(logging.Filter):
    """Rewrite each record so no handler writes a password, token, OTP code or credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:  # noqa: BLE001 - a log line must never break the request that logs it
            record.msg, record.args = "[log message dropped: it could not be checked for secrets]", None
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        if getattr(record, "_secrets_redacted", False):
            return
        message = record.getMessage()
        record.msg, record.args = redact_text(message), None
        for name, value in list(vars(record).items()):
            if name in _STANDARD_ATTRIBUTES or name.startswith("_"):
                continue
            setattr(record, name, REDACTED if SECRET_NAME.match(name) else redact_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
            # Handlers format exc_text when exc_info is gone: the exception object (and its
            # unredacted message) does not travel further.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        record._secrets_redacted = True


class SecretExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports without secrets: also OTP codes, Authorization, cookies, any
    POST field named like a secret (whether or not its view used sensitive_post_parameters)."""

    hidden_settings = re.compile(r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|OTP", re.IGNORECASE)

    def get_post_parameters(self, request):
        cleansed = super().get_post_parameters(request)
        if request is None or not hasattr(cleansed, "copy"):
            return cleansed
        cleansed = cleansed.copy()
        for name in list(cleansed):
            if name.lower() in SECRET_POST_FIELDS or SECRET_NAME.match(name) or self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
