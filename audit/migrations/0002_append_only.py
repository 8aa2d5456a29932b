"""PostgreSQL refuses to change or remove audit rows.

1. A trigger raises on every UPDATE and DELETE (per row) and on TRUNCATE (per statement). It
   holds for every role, the table's owner included; only someone who may ALTER the table
   (its owner, a superuser) could disable it, and doing so is itself a deliberate act.
   One escape, for test suites only: a session that sets `lms.audit_allow_truncate = on` may
   TRUNCATE (Django's test runner empties every table between transactional tests). UPDATE and
   DELETE have no escape. The owner could set it too, but the owner can also drop the trigger:
   against the owner the trigger guards against mistakes, not intent.
2. UPDATE, DELETE and TRUNCATE privileges are revoked from PUBLIC and from every role that was
   granted them (except the owner, who cannot lose them), including CURRENT_USER when it is not
   the owner: `audit_auditevent_revoke_writes()`, callable again after re-granting privileges.

What makes the REVOKE bite is the production role setup (README, "Audit trail"): migrations
run as an owner role (e.g. `lms_owner`, which creates and owns the tables), and the application
connects as another role (e.g. `lms_app`) granted SELECT, INSERT, UPDATE, DELETE on the schema's
tables. After this migration `lms_app` keeps SELECT and INSERT on the audit table only, so even
with the trigger dropped it could not change a row. When the application connects as the owner,
only the trigger protects the table.

SQLite (development) gets no trigger: AuditEvent.save/delete and its queryset refuse instead.
"""

from django.db import migrations

TABLE = "audit_auditevent"

# One statement per item: RunSQL runs a list as given (no splitting inside $$ bodies).
FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('lms.audit_allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit rows are never changed or deleted (audit/migrations/0002_append_only.py).';
END;
$$
""",
    f"""
CREATE TRIGGER {TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()
""",
    f"""
CREATE TRIGGER {TABLE}_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse_change()
""",
    f"""
CREATE OR REPLACE FUNCTION {TABLE}_revoke_writes() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    table_owner text := pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = '{TABLE}'::regclass));
    grantee_name text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT pg_get_userbyid(acl.grantee)
        FROM pg_class AS cls, LATERAL aclexplode(cls.relacl) AS acl
        WHERE cls.oid = '{TABLE}'::regclass
          AND acl.grantee <> 0
          AND acl.grantee <> cls.relowner
          AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM %I', grantee_name);
    END LOOP;
    IF current_user <> table_owner THEN
        BEGIN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM %I', current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Could not revoke writes on {TABLE} from %: run audit_auditevent_revoke_writes() as %',
                current_user, table_owner;
        END;
    END IF;
END;
$$
""",
    f"SELECT {TABLE}_revoke_writes()",
]

BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change()",
    f"DROP FUNCTION IF EXISTS {TABLE}_revoke_writes()",
]


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite in development)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_auditevent")]

    operations = [PostgreSQLOnlyRunSQL(FORWARD, BACKWARD)]
