"""manage.py audit_verify: check the audit trail's hash chain.

Exit 0: intact (prints the number of rows and the last id and hash, worth recording elsewhere
as an anchor). Exit 1: broken (names the first bad row). Exit 2: bad arguments.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify, audit_table_writable_by_current_role

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first broken row."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            help="ID:HASH of a row recorded earlier (from a previous run's output): its hash must be unchanged.",
        )

    def handle(self, *args, anchor=None, **options):
        anchor_value = None
        if anchor:
            match = _ANCHOR.match(anchor.strip().lower())
            if match is None:
                raise CommandError("--anchor takes ID:HASH (a row id and its 64-character hex hash).", returncode=2)
            anchor_value = (int(match.group(1)), match.group(2))
        for privilege in audit_table_writable_by_current_role():
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: this database role may {privilege} the audit table; "
                    "run SELECT audit_auditevent_revoke_writes(); as the table's owner."
                )
            )
        report = audit_chain_verify(anchor=anchor_value)
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at row {report.broken_id}: {report.problem}. "
                f"{report.checked} rows before it are intact.",
                returncode=1,
            )
        if report.checked == 0:
            self.stdout.write(self.style.SUCCESS("Audit chain intact: 0 rows."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} rows. Last row {report.last_id}:{report.last_hash}"
            )
        )
