"""Re-encrypt every encrypted field value under FIELD_ENCRYPTION_ACTIVE_KEY.

    manage.py rotate_encryption_key            # re-encrypt, in batches, each batch committed
    manage.py rotate_encryption_key --dry-run  # count and test-decrypt, change nothing
    manage.py rotate_encryption_key --check    # exit 1 if any value is not under the active key

Columns are found by field type (privacy.fields) across every installed model. A value already
under the active key is skipped, so an interrupted run simply continues when started again.
Lives in profiles (the only owner of encrypted fields so far); the logic is privacy.fields'.
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from privacy import crypto
from privacy.fields import column_rotate_batch, encrypted_columns


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value under the active key (FIELD_ENCRYPTION_ACTIVE_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Values per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count and test-decrypt; change nothing.")
        parser.add_argument(
            "--check", action="store_true", help="Only report; exit 1 if any value is not under the active key."
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Stop after re-encrypting this many values (run again to go on)."
        )

    def handle(self, *args, batch_size, dry_run, check, limit, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        keyring = crypto.settings_keyring()
        columns = encrypted_columns()
        if check:
            return self._check(columns, keyring)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        total, failures = 0, []
        for column in columns:
            pending = column.stale_values(keyring).count()
            if not pending:
                self.stdout.write(f"{column.label}: all values under key {keyring.active_key_id!r}")
                continue
            self.stdout.write(f"{column.label}: {pending} value(s) to re-encrypt")
            done, after_pk = 0, None
            while limit is None or total < limit:
                size = batch_size if limit is None else min(batch_size, limit - total)
                batch = column_rotate_batch(
                    column, after_pk=after_pk, batch_size=size, keyring=keyring, dry_run=dry_run
                )
                done += batch.rotated
                total += batch.rotated
                failures += [(column.label, pk, message) for pk, message in batch.failures]
                if batch.seen:
                    self.stdout.write(f"  {column.label}: {verb} {done}/{pending}")
                if batch.seen < size:
                    break
                after_pk = batch.last_pk
            if limit is not None and total >= limit:
                self.stdout.write(f"Stopped after --limit {limit} value(s); run again to continue.")
                break
        for label, pk, message in failures:
            self.stderr.write(f"{label} pk={pk}: {message}")
        self.stdout.write(f"Done: {verb} {total} value(s) under key {keyring.active_key_id!r}.")
        if failures:
            raise CommandError(f"{len(failures)} value(s) could not be decrypted and were left as they were.")

    def _check(self, columns, keyring):
        stale_total = 0
        for column in columns:
            by_key = Counter(_key_label(stored) for _, stored in column.stale_values(keyring).iterator())
            stale = sum(by_key.values())
            stale_total += stale
            if stale:
                detail = ", ".join(f"{key}: {count}" for key, count in sorted(by_key.items()))
                self.stdout.write(
                    f"{column.label}: {stale} value(s) not under key {keyring.active_key_id!r} ({detail})"
                )
            else:
                self.stdout.write(f"{column.label}: all values under key {keyring.active_key_id!r}")
        if stale_total:
            raise CommandError(f"{stale_total} value(s) are not under the active key: run rotate_encryption_key.")
        self.stdout.write(f"OK: every encrypted value is under key {keyring.active_key_id!r}.")


def _key_label(stored: str) -> str:
    if not crypto.is_token(stored):
        return "(not encrypted)"
    try:
        return crypto.token_key_id(stored)
    except crypto.DecryptionError:
        return "(malformed)"
