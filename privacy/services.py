"""Writes of the privacy app: data export and erasure (GDPR articles 15, 17 and 20).

Export: `export_request_create` (one pending request per user) queues `privacy.export_build`,
which writes a zip — one JSON file per registered model, the user's files, a manifest — to the
private export storage, marks the request ready and emails the link, which works for
EXPORT_LINK_TTL_HOURS.

Erasure: `erasure_request_create` schedules it ERASURE_GRACE_DAYS ahead (cancellable until
then); the beat task `privacy.erasure_due` runs `erasure_perform`, which calls `user_erase`:
every registered erase handler in one transaction, then, after commit, the files of deleted rows
are removed from storage and the search index is brought up to date. A ledger entry (the user
id and the times) records it, in the database and, when ERASURE_LEDGER_FILE is set, in an
append-only file that `erasure_replay` reads after a restore.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from wagtail.search import index

from audit.services import audit_record
from privacy import registry
from privacy.models import ErasureLedgerEntry, ErasureRequest, ExportRequest
from privacy.storage import export_storage

logger = logging.getLogger(__name__)

EXPORT_FORMAT_VERSION = 1
ERASED_EMAIL_DOMAIN = "invalid"  # RFC 2606: never delivers
# Failures worth another try of an export (the task retries them): the database or the disk hiccuped.
TRANSIENT_ERRORS = (OperationalError, OSError)


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(template: str, context: dict, to: str) -> None:
    subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"privacy/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


# --- Export ---------------------------------------------------------------------------------------


def export_request_create(*, user, request=None) -> tuple[ExportRequest, bool]:
    """The user's pending export, or a new one queued for building. (request, created)."""
    from privacy.tasks import export_build

    existing = ExportRequest.objects.filter(user=user, status=ExportRequest.Status.PENDING).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            export = ExportRequest.objects.create(user=user)
    except IntegrityError:
        # A concurrent request won the one pending slot: return it.
        return ExportRequest.objects.get(user=user, status=ExportRequest.Status.PENDING), False
    audit_record("privacy.export.request", actor=user, target=export, request=request)
    export_id = str(export.pk)
    transaction.on_commit(lambda: export_build.delay(export_id))
    return export, True


def export_archive_write(user, path: Path) -> dict:
    """Write the user's archive to `path`; returns the manifest it contains."""
    manifest: dict = {
        "format": EXPORT_FORMAT_VERSION,
        "user_id": user.pk,
        "generated_at": timezone.now().isoformat(),
        "site": settings.WAGTAIL_SITE_NAME,
        "models": {},
        "files": [],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for registration in registry.registrations():
            data = registration.export(user)
            name = f"data/{registration.label}.json"
            archive.writestr(name, json.dumps(data, cls=registry.PrivacyJSONEncoder, indent=2, ensure_ascii=False))
            manifest["models"][registration.label] = {
                "file": name,
                "rows": len(data) if isinstance(data, list) else None,
            }
            if not registration.export_files:
                continue
            for row, field_name, stored in registration.files(user):
                member = "files/{}/{}/{}/{}".format(
                    registration.label,
                    row.pk,
                    field_name,
                    get_valid_filename(PurePosixPath(stored.name).name) or "file",
                )
                try:
                    with stored.storage.open(stored.name, "rb") as source, archive.open(member, "w") as target:
                        for chunk in iter(lambda source=source: source.read(64 * 1024), b""):
                            target.write(chunk)
                except FileNotFoundError:
                    logger.warning("export: missing file %s of %s %s", stored.name, registration.label, row.pk)
                    continue
                manifest["files"].append({"path": member, "model": registration.label, "id": str(row.pk)})
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def export_build(*, export_id) -> ExportRequest | None:
    """Build a pending export's archive. Idempotent: a ready (or gone) request is left alone, and
    when two runs race, the second's archive is thrown away."""
    export = ExportRequest.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportRequest.Status.PENDING:
        return export
    storage = export_storage()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "export.zip"
        try:
            export_archive_write(export.user, path)
        except TRANSIENT_ERRORS:
            raise  # the task tries again
        except Exception:
            logger.exception("export %s failed", export.pk)
            ExportRequest.objects.filter(pk=export.pk, status=ExportRequest.Status.PENDING).update(
                status=ExportRequest.Status.FAILED, failure="The archive could not be built."
            )
            raise
        size = path.stat().st_size
        with path.open("rb") as handle:
            # A fresh random name per build: nothing to collide with, nothing guessable.
            stored_name = storage.save(f"{export.pk.hex}-{timezone.now():%Y%m%d%H%M%S}.zip", File(handle))
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().select_related("user").get(pk=export.pk)
        if export.status != ExportRequest.Status.PENDING:
            transaction.on_commit(lambda: storage.delete(stored_name))
            return export
        now = timezone.now()
        export.archive.name = stored_name
        export.size = size
        export.status = ExportRequest.Status.READY
        export.ready_at = now
        export.expires_at = now + timedelta(hours=settings.EXPORT_LINK_TTL_HOURS)
        export.save(update_fields=["archive", "size", "status", "ready_at", "expires_at"])
        audit_record("privacy.export.ready", actor=None, target=export, details={"size": size})
        context = {
            "user": export.user,
            "export": export,
            "download_url": site_url(reverse("privacy:export_download", kwargs={"export_id": export.pk})),
            "privacy_url": site_url(reverse("privacy:overview")),
        }
        email = export.user.email
        transaction.on_commit(lambda: _send("export_ready", context, email))
    return export


def export_download_record(*, export: ExportRequest, request=None) -> None:
    ExportRequest.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    audit_record("privacy.export.download", actor=export.user, target=export, request=request)


def exports_expired_delete(*, moment=None) -> int:
    """Delete the archives of exports whose link expired; returns how many."""
    moment = moment or timezone.now()
    storage = export_storage()
    count = 0
    for export in ExportRequest.objects.filter(status=ExportRequest.Status.READY, expires_at__lte=moment):
        name = export.archive.name
        export.status = ExportRequest.Status.EXPIRED
        export.archive = ""
        export.save(update_fields=["status", "archive"])
        if name:
            storage.delete(name)
        count += 1
    return count


# --- Erasure requests -------------------------------------------------------------------------------


def erasure_request_create(*, user, request=None) -> tuple[ErasureRequest, bool]:
    """Schedule the user's erasure ERASURE_GRACE_DAYS from now (the pending one if there is one).

    The caller has re-checked the password."""
    existing = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                user=user, requested_at=now, due_at=now + timedelta(days=settings.ERASURE_GRACE_DAYS)
            )
    except IntegrityError:
        return ErasureRequest.objects.get(user=user, status=ErasureRequest.Status.PENDING), False
    audit_record("privacy.erasure.request", actor=user, target=erasure, request=request)
    context = {"user": user, "erasure": erasure, "privacy_url": site_url(reverse("privacy:overview"))}
    email = user.email
    transaction.on_commit(lambda: _send("erasure_scheduled", context, email))
    return erasure, True


def erasure_request_cancel(*, user, request=None) -> ErasureRequest | None:
    """Cancel the user's pending erasure; None when there was none."""
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update().filter(user=user, status=ErasureRequest.Status.PENDING).first()
        )
        if erasure is None:
            return None
        erasure.status = ErasureRequest.Status.CANCELLED
        erasure.cancelled_at = timezone.now()
        erasure.save(update_fields=["status", "cancelled_at"])
        audit_record("privacy.erasure.cancel", actor=user, target=erasure, request=request)
        context = {"user": user, "erasure": erasure, "privacy_url": site_url(reverse("privacy:overview"))}
        email = user.email
        transaction.on_commit(lambda: _send("erasure_cancelled", context, email))
    return erasure


# --- Erasure ----------------------------------------------------------------------------------------


@dataclass
class ErasureOutcome:
    user_id: int
    models: list[str] = field(default_factory=list)
    files_deleted: int = 0


def user_erase(*, user) -> ErasureOutcome:
    """Run every registered erase handler for the user in one transaction (the User model's last),
    then, after commit, delete the files no row points at any more and update the search index.

    Idempotent: handlers delete or overwrite, so running it again (a replay) is safe."""
    outcome = ErasureOutcome(user_id=user.pk)
    regs = registry.registrations()
    # Before any handler runs: what the user has, so the after-commit steps can tell what changed.
    stored_files = [
        (registration.model, row.pk, field_name, stored.name, stored.storage)
        for registration in regs
        for row, field_name, stored in registration.files(user)
    ]
    indexed = [
        (registration.model, pk)
        for registration in regs
        if index.class_is_indexed(registration.model) and registration.user_path is not None
        for pk in registration.queryset(user).values_list("pk", flat=True)
    ]
    with transaction.atomic():
        token = registry._erasure_rows.set(registry.user_rows(user))
        try:
            for registration in regs:
                registration.erase(user)
                outcome.models.append(registration.label)
        finally:
            registry._erasure_rows.reset(token)

        def after_commit():
            outcome.files_deleted = _files_unreferenced_delete(stored_files)
            _search_index_update(indexed)

        transaction.on_commit(after_commit)
    return outcome


def _files_unreferenced_delete(stored_files) -> int:
    deleted = 0
    for model, pk, field_name, name, storage in stored_files:
        # Still the file of its row (an anonymising handler kept it): not the person's any more.
        if model._default_manager.filter(pk=pk, **{field_name: name}).exists():
            continue
        try:
            if storage.exists(name):
                storage.delete(name)
                deleted += 1
        except OSError:
            logger.exception("erasure: could not delete %s", name)
    return deleted


def _search_index_update(indexed) -> None:
    for model, pk in indexed:
        instance = model._default_manager.filter(pk=pk).first()
        try:
            if instance is None:
                stub = model(pk=pk)
                index.remove_object(stub)
            else:
                index.insert_or_update_object(instance)
        except Exception:  # a search backend failure must not undo an erasure (logged)
            logger.exception("erasure: search index update failed for %s %s", model._meta.label, pk)


def erasure_perform(*, erasure_id: int, moment=None) -> bool:
    """Erase the account of a due, pending erasure request. True when it ran.

    Idempotent: the request row is locked and must still be pending (skip_locked: two beat runs
    never erase the same user at once)."""
    moment = moment or timezone.now()
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=erasure_id, status=ErasureRequest.Status.PENDING, due_at__lte=moment)
            .select_related("user")
            .first()
        )
        if erasure is None:
            return False
        user = erasure.user
        email, name = user.email, user.get_short_name()
        audit_record("privacy.erasure.complete", actor=None, target=erasure, details={"user_id": user.pk})
        user_erase(user=user)
        erasure.status = ErasureRequest.Status.COMPLETED
        erasure.completed_at = timezone.now()
        erasure.save(update_fields=["status", "completed_at"])
        entry, _ = ErasureLedgerEntry.objects.update_or_create(
            user_id=user.pk, defaults={"requested_at": erasure.requested_at, "erased_at": erasure.completed_at}
        )
        transaction.on_commit(lambda: ledger_file_append(entry))
        context = {"name": name}
        transaction.on_commit(lambda: _send("erasure_completed", context, email))
    return True


def erasures_due_run(*, moment=None) -> int:
    """Erase every account whose grace period ended; one transaction per user. Returns how many."""
    moment = moment or timezone.now()
    done = 0
    due = ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING, due_at__lte=moment)
    for erasure_id in list(due.values_list("pk", flat=True)):
        try:
            done += erasure_perform(erasure_id=erasure_id, moment=moment)
        except Exception:
            logger.exception("erasure failed", extra={"erasure": erasure_id})
    return done


# --- The ledger and its replay ---------------------------------------------------------------------


def ledger_file_append(entry: ErasureLedgerEntry) -> None:
    path = settings.ERASURE_LEDGER_FILE
    if not path:
        return
    line = json.dumps(
        {
            "user_id": entry.user_id,
            "requested_at": entry.requested_at.isoformat() if entry.requested_at else None,
            "erased_at": entry.erased_at.isoformat(),
        }
    )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as ledger:
        ledger.write(line + "\n")
        ledger.flush()


def ledger_file_entries(path) -> list[dict]:
    if not path or not Path(path).exists():
        return []
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            logger.error("erasure ledger file %s: line %s is not JSON", path, number)
    return entries


def user_is_erased_form(user) -> bool:
    return not user.is_active and user.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


def user_has_personal_data(user) -> bool:
    """After a restore: the account row is back in its old form, or rows that erasure deletes exist."""
    if not user_is_erased_form(user):
        return True
    return any(
        registration.queryset(user).exists()
        for registration in registry.registrations()
        if registration.deletes_by_default and not registration.is_user_model
    )


def erasure_replay(*, ledger_file: str | None = None, force: bool = False) -> list[int]:
    """Erase again every ledger entry's user that still has personal data (after a backup
    restore). Entries only in the ledger file are put back into the table. Returns the user ids
    erased again."""
    from django.contrib.auth import get_user_model

    file_entries = ledger_file_entries(ledger_file if ledger_file is not None else settings.ERASURE_LEDGER_FILE)
    for item in file_entries:
        ErasureLedgerEntry.objects.get_or_create(
            user_id=int(item["user_id"]),
            defaults={"requested_at": item.get("requested_at"), "erased_at": item.get("erased_at") or timezone.now()},
        )
    user_model = get_user_model()
    replayed = []
    for entry in ErasureLedgerEntry.objects.order_by("erased_at"):
        user = user_model._default_manager.filter(pk=entry.user_id).first()
        if user is None:
            continue
        if not force and not user_has_personal_data(user):
            continue
        with transaction.atomic():
            user_erase(user=user)
            # Pending requests restored with the backup are done: the ledger says so.
            ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).update(
                status=ErasureRequest.Status.COMPLETED, completed_at=entry.erased_at
            )
            entry.replayed_at = timezone.now()
            entry.save(update_fields=["replayed_at"])
        replayed.append(entry.user_id)
    return replayed


def erased_email_new() -> str:
    """The address an erased account keeps: unique, random, undeliverable."""
    return f"erased-{secrets.token_hex(12)}@{ERASED_EMAIL_DOMAIN}"
