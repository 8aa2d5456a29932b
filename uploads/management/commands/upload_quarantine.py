"""Inspect the quarantine and rescan held uploads.

    manage.py upload_quarantine list [--status pending|infected|clean]
    manage.py upload_quarantine rescan            # what the beat task does, now
    manage.py upload_quarantine path <id>         # where a held or infected file's bytes are

There is deliberately no "release without a scan": a held file leaves the quarantine only when
clamd says it is clean. An infected file stays as evidence; delete the object that used it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uploads.models import ScannedUpload
from uploads.services import uploads_rescan_pending
from uploads.storage import quarantine_storage


class Command(BaseCommand):
    help = "List, locate and rescan uploads held in the quarantine."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Uploads in the quarantine (pending and infected).")
        listing.add_argument("--status", choices=[s.value for s in ScannedUpload.Status])
        rescan = sub.add_parser("rescan", help="Rescan pending uploads now; clean ones are released.")
        rescan.add_argument("--limit", type=int, default=1000)
        path = sub.add_parser("path", help="The quarantine path of an upload's bytes.")
        path.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "list":
            statuses = [options["status"]] if options["status"] else ["pending", "infected"]
            for upload in ScannedUpload.objects.filter(status__in=statuses).order_by("created_at"):
                self.stdout.write(
                    f"{upload.pk}\t{upload.status}\t{upload.feature}\t{upload.storage_name}\t"
                    f"{upload.signature or '-'}\tattempts={upload.attempts}\t{upload.created_at:%Y-%m-%d %H:%M}\t"
                    f"{upload.original_name!r}"
                )
        elif action == "rescan":
            counts = uploads_rescan_pending(limit=options["limit"], timeout=settings.CLAMD_RESCAN_TIMEOUT)
            self.stdout.write(", ".join(f"{status}: {count}" for status, count in counts.items()))
        else:
            upload = ScannedUpload.objects.filter(pk=options["id"]).first()
            if upload is None:
                raise CommandError(f"No upload {options['id']}.")
            if upload.status == ScannedUpload.Status.CLEAN:
                raise CommandError(f"Upload {upload.pk} is clean: it is in MEDIA_ROOT as {upload.storage_name}.")
            self.stdout.write(quarantine_storage().path(upload.storage_name))
