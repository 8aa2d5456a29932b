"""Recording security events in the audit trail.

Contract every other app codes against:

    audit_record(action, *, actor=None, target=None, request=None, details=None) -> AuditEvent

- action: dotted string, e.g. "auth.login.success", "mfa.device.enroll", "grade.regrade".
- actor: the User acting. None: the signed-in user of the current request when there is one
  (AuditContextMiddleware), else the system.
- target: any model instance (stored as "app_label.model" and its primary key) or None.
- request: the HttpRequest when there is one (IP, user agent, request id come from it);
  None: the current request (AuditContextMiddleware), if any.
- details: JSON-serialisable dict; never secrets (passwords, tokens, OTP codes) and never
  personal data (emails, names): use ids, counts, codes, or `identifier_pseudonym(...)`.
  As a net, values under secret-looking keys are dropped and email addresses masked.

Call it after the state change, inside the same transaction: the row commits or rolls back
with what it records. Rows form one hash chain: writers take a PostgreSQL transaction-level
advisory lock, read the last hash and insert, so concurrent writers queue for a moment and the
lock is held until the caller's transaction ends; call it last in a transaction that takes row
locks, so the audit lock is always the last one taken.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.context import current_request
from audit.log_redaction import REDACTED, SECRET_NAME
from audit.models import GENESIS_HASH, AuditEvent, row_canonical, row_hash
from lms_site.client_ip import client_ip
from lms_site.request_context import current_request_id

# pg_advisory_xact_lock key of the audit chain (any constant bigint; "audit" in ASCII).
AUDIT_CHAIN_LOCK_KEY = 0x6175646974
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAX_DEPTH = 6


# --- pseudonyms ------------------------------------------------------------------------------


def _pseudonym_key() -> bytes:
    key = getattr(settings, "AUDIT_PSEUDONYM_KEY", "")
    if key:
        return key.encode()
    # Derived, so a deployment without the variable still never stores raw ids.
    return hmac.new(settings.SECRET_KEY.encode(), b"audit-pseudonym-key", hashlib.sha256).digest()


def _keyed(purpose: str, value: str) -> str:
    return hmac.new(_pseudonym_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def actor_pseudonym(user_or_pk) -> str:
    """The pseudonymous id of a user in the audit trail (user or primary key; "" for none).

    HMAC-SHA256 of the primary key with AUDIT_PSEUDONYM_KEY: stable, so the trail can be
    searched by user, and meaningless without the key.
    """
    pk = getattr(user_or_pk, "pk", user_or_pk)
    return _keyed("user", str(pk)) if pk is not None else ""


def identifier_pseudonym(identifier: str) -> str:
    """A keyed hash of a login identifier (an email address), for failed logins and lockouts:
    searchable with the address, unreadable without the key."""
    return _keyed("identifier", (identifier or "").strip().lower())


# --- recording -------------------------------------------------------------------------------


def _clean_text(value: Any, max_length: int) -> str:
    text = "" if value is None else str(value)
    # PostgreSQL text refuses NUL; lone surrogates cannot be encoded.
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:max_length]


def _clean_details(value: Any, depth: int = 0) -> Any:
    """details as JSON that reads back from jsonb unchanged (so the hash holds), minus secrets."""
    if depth > _MAX_DEPTH:
        return "[too deep]"
    if isinstance(value, dict):
        return {
            _clean_text(key, 100): REDACTED if SECRET_NAME.match(str(key)) else _clean_details(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_clean_details(item, depth + 1) for item in items]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        # jsonb rewrites some floats (1e20 -> 100000000000000000000): keep them as text.
        return repr(value) if not math.isfinite(value) or not value.is_integer() else int(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | Decimal | UUID):
        return str(value)
    return _EMAIL.sub("[email]", _clean_text(value, 2000))


def _target_ref(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = getattr(target, "_meta", None)
    if meta is None:
        return _clean_text(type(target).__name__, 100), _clean_text(getattr(target, "pk", ""), 64)
    return meta.label_lower, _clean_text(target.pk, 64)


def _actor_roles(actor) -> str:
    # Asked each time (not User.role_names, which is cached and may predate a role change).
    names = sorted(actor.groups.values_list("name", flat=True)) if actor.pk is not None else []
    if getattr(actor, "is_superuser", False):
        names.append("superuser")
    return ",".join(names)


def _request_user(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def audit_record(action: str, *, actor=None, target=None, request=None, details: dict | None = None) -> AuditEvent:
    """Append one event to the audit trail and return it (see the module docstring)."""
    if not action or not isinstance(action, str):
        raise ValueError("An audit action is a dotted string such as 'auth.login.success'.")
    request = request if request is not None else current_request.get()
    actor = actor if actor is not None else _request_user(request)
    event = AuditEvent(
        action=_clean_text(action, 100),
        actor_ref=actor_pseudonym(actor) if actor is not None else "",
        actor_role=_clean_text(_actor_roles(actor), 255) if actor is not None else "",
        ip=None,
        user_agent="",
        request_id="",
        details=_clean_details(details or {}),
    )
    event.target_type, event.target_id = _target_ref(target)
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = _clean_text(
            request.META.get("HTTP_USER_AGENT", ""), getattr(settings, "AUDIT_USER_AGENT_MAX_LENGTH", 512)
        )
        event.request_id = _clean_text(getattr(request, "request_id", ""), 64)
    if not event.request_id:
        request_id = current_request_id.get()
        event.request_id = "" if request_id == "-" else _clean_text(request_id, 64)
    with transaction.atomic():
        event.prev_hash = _chain_head()
        # Taken after the lock, so times rise with the chain (PostgreSQL keeps microseconds).
        event.occurred_at = timezone.now()
        event.hash = row_hash(row_canonical(event))
        event.save(force_insert=True)
    return event


def _chain_head() -> str:
    """The hash of the last row, read while holding the chain lock (until the transaction ends)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])
        # SQLite (development) serialises writers itself; the unique prev_hash catches a fork.
        cursor.execute(f"SELECT hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1")  # noqa: S608  # nosec  # nosemgrep: lms-raw-sql-formatting - table name from the model's Meta, no input
        row = cursor.fetchone()
    return row[0] if row else GENESIS_HASH
