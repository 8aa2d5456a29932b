# ruff: noqa: S608 - SQL built from the table name constant only; values go as parameters.
"""The audit trail is append-only and hash-chained: PostgreSQL refuses UPDATE, DELETE and
TRUNCATE, `audit_verify` finds a flipped byte or a missing row, and concurrent writers keep
one chain."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.utils import ProgrammingError

from audit.models import GENESIS_HASH, AuditEvent, AuditImmutableError
from audit.services import audit_record
from tests.concurrency import run_in_threads

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def record_three():
    return [audit_record("test.event", details={"n": n}) for n in range(3)]


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def with_triggers_disabled(sql, params=()):
    """Tamper as the superuser would: triggers off, change, triggers on (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER ALL")


# --- the chain ---------------------------------------------------------------------------------


def test_rows_link_to_the_row_before_and_hash_their_content():
    first, second, third = record_three()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.compute_hash() == stored.hash


def test_the_first_row_follows_the_genesis_hash():
    assert not AuditEvent.objects.exists()
    assert audit_record("test.first").prev_hash == GENESIS_HASH


def test_an_intact_chain_verifies_with_its_count():
    record_three()
    assert "Audit chain intact: 3 rows" in verify()


def test_an_empty_trail_verifies():
    assert "Audit chain intact: 0 rows" in verify()


def test_a_flipped_byte_in_details_fails_verification_and_names_the_row():
    _, second, _ = record_three()
    with_triggers_disabled(f"UPDATE {TABLE} SET details = %s::jsonb WHERE id = %s", ['{"n": 2}', second.pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    assert f"row {second.pk}" in str(error.value)
    assert "changed" in str(error.value)


def test_a_changed_action_fails_verification():
    _, _, third = record_three()
    with_triggers_disabled(f"UPDATE {TABLE} SET action = 'test.evenT' WHERE id = %s", [third.pk])
    with pytest.raises(CommandError, match=f"row {third.pk}"):
        verify()


def test_a_deleted_middle_row_breaks_the_chain_at_the_next_row():
    _, second, third = record_three()
    with_triggers_disabled(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    assert f"row {third.pk}" in str(error.value)
    assert "deleted" in str(error.value)


def test_a_rewritten_chain_fails_against_an_anchor():
    _, second, _ = record_three()
    assert "intact" in verify()
    # A forger who recomputes every hash keeps the chain consistent, but not the recorded anchor.
    with_triggers_disabled(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["f" * 64, second.pk])
    with pytest.raises(CommandError, match=f"row {second.pk}"):
        call_command("audit_verify", anchor=f"{second.pk}:{second.hash}")


def test_an_anchor_that_matches_passes():
    _, second, third = record_three()
    out = StringIO()
    call_command("audit_verify", anchor=f"{second.pk}:{second.hash}", stdout=out)
    assert f"Last row {third.pk}:{third.hash}" in out.getvalue()


# --- PostgreSQL refuses changes ------------------------------------------------------------------


def test_the_orm_refuses_to_save_or_delete_a_stored_row():
    event = audit_record("test.event")
    event.action = "test.other"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.other")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def _refused_by_postgres(run):
    with pytest.raises(ProgrammingError, match="append-only") as error, transaction.atomic():
        run()
    return error


def test_postgres_refuses_an_orm_update_that_bypasses_the_model_guard():
    event = audit_record("test.event")
    # Django's own QuerySet.update: the SQL the ORM sends, without our model's guard.
    _refused_by_postgres(lambda: models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), action="test.other"))
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_postgres_refuses_an_orm_delete_that_bypasses_the_model_guard():
    event = audit_record("test.event")
    _refused_by_postgres(lambda: models.QuerySet.delete(AuditEvent.objects.filter(pk=event.pk)))
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET action = 'test.other'",
        f"UPDATE {TABLE} SET details = '{{}}'::jsonb",
        f"DELETE FROM {TABLE}",
    ],
)
def test_postgres_refuses_raw_update_and_delete(sql):
    audit_record("test.event")

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    _refused_by_postgres(run)
    assert AuditEvent.objects.filter(action="test.event").count() == 1


def test_postgres_refuses_truncate_without_the_test_suite_escape():
    audit_record("test.event")

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lms.audit_allow_truncate = off")
            cursor.execute(f"TRUNCATE {TABLE}")

    _refused_by_postgres(run)
    assert AuditEvent.objects.count() == 1


def test_the_owner_is_refused_too_and_app_roles_lose_their_write_privileges():
    """As a non-superuser owner, the trigger refuses; an application role granted everything
    keeps only SELECT and INSERT after audit_auditevent_revoke_writes() (run by the migration)."""
    event = audit_record("test.event")
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"audit_owner_{suffix}", f"audit_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner}")
        cursor.execute(f"CREATE ROLE {app}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {owner}, {app}")
        cursor.execute(f"ALTER TABLE {TABLE} OWNER TO {owner}")
        cursor.execute(f"GRANT ALL ON {TABLE} TO {app}")
        cursor.execute(f"SET LOCAL ROLE {owner}")
        cursor.execute(f"SELECT {TABLE}_revoke_writes()")
        privileges = {}
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"):
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, TABLE, privilege])
            privileges[privilege] = cursor.fetchone()[0]
    assert privileges == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False}

    def as_owner():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])

    _refused_by_postgres(as_owner)

    def as_app():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {app}")
            cursor.execute(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [event.pk])

    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        as_app()


# --- one chain under concurrent writers ---------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_chain():
    writers = 8

    def write(n):
        return lambda: [audit_record("test.concurrent", details={"writer": n, "i": i}).pk for i in range(5)]

    results = run_in_threads([write(n) for n in range(writers)])
    assert all(status == "ok" for status, _ in results), results
    rows = list(AuditEvent.objects.filter(action="test.concurrent").order_by("id"))
    assert len(rows) == writers * 5
    assert "intact" in verify()
    assert len({row.prev_hash for row in rows}) == len(rows)
