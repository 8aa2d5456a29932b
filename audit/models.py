"""The audit trail: one append-only, hash-chained table of security events.

Rows are written only by `audit.services.audit_record` and never changed: PostgreSQL refuses
UPDATE, DELETE and TRUNCATE on the table (trigger + revoked privileges, migration 0002), and
this model refuses them too (the only guard on SQLite, where development runs).
"""

import hashlib
import ipaddress
import json
from datetime import UTC

from django.db import models
from django.db.models.functions import Now

# prev_hash of the first row.
GENESIS_HASH = "0" * 64
# Bump when the canonical serialisation changes; stored rows keep theirs (see row_canonical).
HASH_VERSION = 1


class AuditImmutableError(Exception):
    """An audit row cannot be changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AuditImmutableError("Audit events are append-only: they cannot be deleted.")

    def for_actor(self, pseudonym: str):
        return self.filter(actor_ref=pseudonym)


class AuditEvent(models.Model):
    """One security event. Never holds a name, an email address or a secret.

    actor_ref is a pseudonym (HMAC of the user's id, `audit.services.actor_pseudonym`): the trail
    can be searched by user by those who hold the key, and says nothing about anyone without it.
    hash = SHA-256 over the row's canonical serialisation, which includes prev_hash, the hash
    of the row before it (by id): changing or deleting a row breaks the chain (`audit_verify`).
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_default=Now(), db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    actor_ref = models.CharField(max_length=64, blank=True, db_index=True)
    actor_role = models.CharField(max_length=255, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        # Only viewing exists: nobody adds, changes or deletes audit rows by hand.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        constraints = [
            # One chain: no two rows may follow the same row (a fork would mean a lost lock).
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events are append-only: they cannot be deleted.")

    @property
    def target_label(self) -> str:
        return f"{self.target_type} {self.target_id}".strip()

    def compute_hash(self) -> str:
        return row_hash(row_canonical(self))


def _utc_iso(value) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else ""


def _ip_text(value) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return str(value)


def row_canonical(row: AuditEvent) -> bytes:
    """The bytes a row's hash covers: every field but id and hash, as sorted compact JSON.

    Values are written the way PostgreSQL gives them back (UTC time to the microsecond, the
    address in its compressed form, details as stored JSON), so a row read back hashes the same.
    """
    fields = {
        "v": HASH_VERSION,
        "occurred_at": _utc_iso(row.occurred_at),
        "action": row.action,
        "actor_ref": row.actor_ref,
        "actor_role": row.actor_role,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "ip": _ip_text(row.ip),
        "user_agent": row.user_agent,
        "request_id": row.request_id,
        "details": row.details,
        "prev_hash": row.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def row_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()
