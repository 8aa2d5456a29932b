"""Reads of the audit trail: chain verification and the viewer's filtered list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from audit.models import GENESIS_HASH, AuditEvent, row_canonical, row_hash
from audit.services import actor_pseudonym, identifier_pseudonym


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_id: int | None
    last_hash: str
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def audit_chain_verify(*, anchor: tuple[int, str] | None = None, chunk_size: int = 2000) -> ChainReport:
    """Walk every row in id order, recompute each hash and check each link; stop at the first break.

    A changed row fails its own hash; a deleted, inserted or reordered row fails the next link.
    anchor (id, hash), recorded earlier outside the database, also catches a chain rewritten
    from that row on with recomputed hashes. Deleting rows at the end is found only by an
    anchor or by comparing the count and last hash with an earlier run.
    """
    previous = GENESIS_HASH
    checked = 0
    last_id = None
    anchor_seen = anchor is None
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if row.prev_hash != previous:
            return ChainReport(
                checked,
                last_id,
                previous,
                row.pk,
                "prev_hash does not match the row before it (a row was deleted, inserted or reordered)",
            )
        if row_hash(row_canonical(row)) != row.hash:
            return ChainReport(
                checked, last_id, previous, row.pk, "hash does not match the row's content (the row was changed)"
            )
        if anchor is not None and row.pk == anchor[0]:
            if row.hash != anchor[1]:
                return ChainReport(checked, last_id, previous, row.pk, "hash differs from the anchor")
            anchor_seen = True
        previous, last_id = row.hash, row.pk
        checked += 1
    if not anchor_seen:
        return ChainReport(checked, last_id, previous, anchor[0], "the anchor row is missing")
    return ChainReport(checked, last_id, previous)


def audit_table_writable_by_current_role() -> list[str]:
    """Privileges the database role in use still holds that the audit table should refuse it
    (PostgreSQL; empty when the role is the table's owner, whom only the trigger stops)."""
    if connection.vendor != "postgresql":
        return []
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) = current_user, "
            "has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE'), "
            "has_table_privilege(%s, 'TRUNCATE') FROM pg_class WHERE oid = %s::regclass",
            [table, table, table, table],
        )
        is_owner, *privileges = cursor.fetchone()
    if is_owner:
        return []
    return [name for name, held in zip(("UPDATE", "DELETE", "TRUNCATE"), privileges, strict=True) if held]


def audit_events_filtered(
    *,
    action: str = "",
    actor_email: str = "",
    target_type: str = "",
    target_id: str = "",
    since=None,
    until=None,
) -> QuerySet[AuditEvent]:
    """The viewer's list, newest first. actor_email matches the user's pseudonym and, for
    failed logins and lockouts, the hashed identifier (also for addresses with no account)."""
    from django.contrib.auth import get_user_model

    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    if actor_email:
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{f"{user_model.EMAIL_FIELD}__iexact": actor_email.strip()}).first()
        match = Q(details__identifier_ref=identifier_pseudonym(actor_email))
        if user is not None:
            match |= Q(actor_ref=actor_pseudonym(user))
        events = events.filter(match)
    if target_type:
        events = events.filter(target_type=target_type.strip().lower())
    if target_id:
        events = events.filter(target_id=target_id.strip())
    if since:
        events = events.filter(occurred_at__gte=since)
    if until:
        events = events.filter(occurred_at__lt=until)
    return events
