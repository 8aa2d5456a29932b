"""After restoring a database backup: erase again everyone the erasure ledger lists.

    manage.py erasure_replay [--ledger-file PATH] [--force]

Reads the ledger table and, when set, ERASURE_LEDGER_FILE (or --ledger-file): a backup taken
before an erasure has neither the erasure nor its ledger row, so keep that file outside the
database backups. Each listed account that still has personal data is erased again (the same
handlers, one transaction per account); --force re-applies erasure to every listed account.
"""

from django.core.management.base import BaseCommand

from privacy.services import erasure_replay


class Command(BaseCommand):
    help = "Re-apply erasure to every account in the erasure ledger that still has personal data (after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("--ledger-file", default=None, help="JSON-lines ledger (default: ERASURE_LEDGER_FILE).")
        parser.add_argument("--force", action="store_true", help="Erase every listed account again.")

    def handle(self, *args, ledger_file=None, force=False, **options):
        replayed = erasure_replay(ledger_file=ledger_file, force=force)
        if replayed:
            self.stdout.write(f"Erased again: {len(replayed)} account(s): {', '.join(map(str, replayed))}")
        else:
            self.stdout.write("Nothing to erase again: every account in the ledger is erased.")
