"""Accepting, storing, holding and releasing uploads (the library's writes).

How a feature uses the library (Wagtail documents and images do exactly this, uploads/forms.py
and uploads/handlers.py):

    accepted = upload_accept(uploaded_file, feature="lab_attachment", actor=user)  # in form/serializer validation
    ...                                            # UploadRefused / UploadInfected -> a field error
    upload_store(accepted, field_file=obj.file)    # before obj.save(): stores under a generated name
    obj.save()

and serves the file only when `uploads.selectors` says CLEAN (uploads.serving has the headers).

The invariant: a file's bytes are in the serving storage (MEDIA_ROOT) only once clamd said
CLEAN. Until then (scanner down or slow: PENDING) and forever when it found malware (INFECTED)
they are in the quarantine storage only, under the same name, and a ScannedUpload row says so.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from uploads.clamd import ScanResult, ScanStatus, clamd_scan
from uploads.exceptions import UploadInfected
from uploads.inspection import InspectedUpload, upload_inspect
from uploads.models import ScannedUpload
from uploads.storage import quarantine_storage

logger = logging.getLogger(__name__)

_HASH_CHUNK = 64 * 1024


@dataclass(frozen=True)
class AcceptedUpload:
    """An upload that passed the policy and was not found infected; `upload_store` stores it."""

    file: object  # the Django File / UploadedFile
    inspected: InspectedUpload
    sha256: str
    scan: ScanResult

    @property
    def held(self) -> bool:
        return self.scan.status != ScanStatus.CLEAN


def upload_accept(file, *, feature: str, actor=None, request=None) -> AcceptedUpload:
    """Check `file` against the feature's policy and scan it with clamd.

    Raises UploadRefused (type, size, structure: nothing stored) or UploadInfected (the bytes
    are put in quarantine as evidence, recorded and audited; the upload is refused). A scanner
    that is down or times out does not refuse: the result says so, and `upload_store` holds it.
    """
    inspected = upload_inspect(file, feature=feature)
    sha256 = _sha256(file)
    scan = clamd_scan(file)
    if scan.status == ScanStatus.INFECTED:
        record = _quarantine_infected(file, inspected=inspected, sha256=sha256, scan=scan)
        audit_record(
            "upload.infected",
            actor=actor,
            target=record,
            request=request,
            details={"feature": feature, "signature": scan.signature, "sha256": sha256, "stage": "upload"},
        )
        raise UploadInfected(
            f"The virus scanner found {scan.signature} in this file. It was refused and quarantined.",
            signature=scan.signature,
            scanned_upload_id=record.pk,
        )
    file.seek(0)
    return AcceptedUpload(file=file, inspected=inspected, sha256=sha256, scan=scan)


def upload_store(accepted: AcceptedUpload, *, field_file, actor=None, request=None) -> ScannedUpload:
    """Store an accepted upload for a model's FileField, under its generated name; call before the row is saved.

    CLEAN: written to the field's storage like any file. PENDING: written to the quarantine
    only; the field already holds the name the file gets when a rescan releases it.
    """
    instance, field = field_file.instance, field_file.field
    content = accepted.file
    content.seek(0)
    if accepted.held:
        name = field.generate_filename(instance, accepted.inspected.generated_name)
        name = field_file.storage.get_available_name(name, max_length=field.max_length)
        field_file.name = quarantine_storage().save(name, content)
        field_file._committed = True  # nothing for FileField.pre_save to write to MEDIA_ROOT
        status = ScannedUpload.Status.PENDING
    else:
        field_file.save(accepted.inspected.generated_name, content, save=False)
        status = ScannedUpload.Status.CLEAN
    record = ScannedUpload.objects.create(
        storage_name=field_file.name,
        feature=accepted.inspected.feature,
        original_name=accepted.inspected.original_name[:255],
        content_type=accepted.inspected.content_type,
        sha256=accepted.sha256,
        size=accepted.inspected.size,
        status=status,
        attempts=1,
        last_error=accepted.scan.detail[:255],
        scanned_at=None if accepted.held else timezone.now(),
    )
    if accepted.held:
        audit_record(
            "upload.held",
            actor=actor,
            target=record,
            request=request,
            details={"feature": record.feature, "reason": accepted.scan.detail[:200]},
        )
    return record


def upload_adopt(field_file, *, feature: str, original_name: str = "", actor=None) -> ScannedUpload:
    """Scan a file some code path already wrote to the serving storage, and hold it unless clean.

    For paths that store a file before handing it to the library (Wagtail's multiple uploader
    keeps a file whose metadata form failed, then creates the document from it).
    """
    name = field_file.name
    storage = field_file.storage
    with storage.open(name, "rb") as handle:
        sha256 = _sha256(handle)
        scan = clamd_scan(handle)
        size = storage.size(name)
    status = {
        ScanStatus.CLEAN: ScannedUpload.Status.CLEAN,
        ScanStatus.INFECTED: ScannedUpload.Status.INFECTED,
    }.get(scan.status, ScannedUpload.Status.PENDING)
    if status != ScannedUpload.Status.CLEAN:
        with storage.open(name, "rb") as handle:
            quarantine_storage().save(name, handle)
        storage.delete(name)
    record, _ = ScannedUpload.objects.update_or_create(
        storage_name=name,
        defaults={
            "feature": feature,
            "original_name": original_name[:255],
            "content_type": "",
            "sha256": sha256,
            "size": size,
            "status": status,
            "signature": scan.signature,
            "attempts": 1,
            "last_error": scan.detail[:255],
            "scanned_at": None if status == ScannedUpload.Status.PENDING else timezone.now(),
        },
    )
    if status == ScannedUpload.Status.INFECTED:
        audit_record(
            "upload.infected",
            actor=actor,
            target=record,
            details={"feature": feature, "signature": scan.signature, "sha256": sha256, "stage": "adopt"},
        )
    return record


def scanned_upload_rescan(upload: ScannedUpload, *, timeout: float | None = None) -> ScannedUpload:
    """Scan a PENDING upload again: CLEAN releases it into the serving storage, INFECTED keeps it.

    The caller holds the row (select_for_update); uploads_rescan_pending does.
    """
    if upload.status != ScannedUpload.Status.PENDING:
        return upload
    quarantine = quarantine_storage()
    upload.attempts += 1
    if not quarantine.exists(upload.storage_name):
        upload.last_error = "the held file is missing from the quarantine"
        upload.save(update_fields=["attempts", "last_error"])
        logger.error("Held upload %s has no file in the quarantine.", upload.pk)
        return upload
    with quarantine.open(upload.storage_name, "rb") as handle:
        scan = clamd_scan(handle, timeout=timeout)
        if scan.status == ScanStatus.CLEAN:
            _release(upload, handle)
    if scan.status == ScanStatus.CLEAN:
        upload.status = ScannedUpload.Status.CLEAN
        upload.scanned_at = timezone.now()
        upload.last_error = ""
        upload.save(update_fields=["status", "scanned_at", "last_error", "attempts"])
        name = upload.storage_name
        transaction.on_commit(lambda: quarantine_storage().delete(name))
        audit_record("upload.released", target=upload, details={"feature": upload.feature})
    elif scan.status == ScanStatus.INFECTED:
        upload.status = ScannedUpload.Status.INFECTED
        upload.signature = scan.signature[:255]
        upload.scanned_at = timezone.now()
        upload.last_error = ""
        upload.save(update_fields=["status", "signature", "scanned_at", "last_error", "attempts"])
        audit_record(
            "upload.infected",
            target=upload,
            details={
                "feature": upload.feature,
                "signature": scan.signature,
                "sha256": upload.sha256,
                "stage": "rescan",
            },
        )
    else:
        upload.last_error = scan.detail[:255]
        upload.save(update_fields=["attempts", "last_error"])
    return upload


def uploads_rescan_pending(*, limit: int, timeout: float | None = None) -> dict[str, int]:
    """Rescan up to `limit` PENDING uploads, oldest first; rows another worker holds are skipped."""
    counts = {"clean": 0, "infected": 0, "pending": 0}
    pending_ids = list(
        ScannedUpload.objects.filter(status=ScannedUpload.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pending_ids:
        with transaction.atomic():
            upload = (
                ScannedUpload.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ScannedUpload.Status.PENDING)
                .first()
            )
            if upload is None:
                continue
            upload = scanned_upload_rescan(upload, timeout=timeout)
        counts[upload.status] += 1
    return counts


def scanned_upload_forget(storage_name: str) -> None:
    """The object owning a stored file is gone: drop a held copy and the record; keep infected evidence."""
    upload = ScannedUpload.objects.filter(storage_name=storage_name).first()
    if upload is None or upload.status == ScannedUpload.Status.INFECTED:
        return
    if upload.status == ScannedUpload.Status.PENDING:
        quarantine_storage().delete(storage_name)
    upload.delete()


# --- helpers --------------------------------------------------------------------------------------


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(_HASH_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _quarantine_infected(file, *, inspected: InspectedUpload, sha256: str, scan: ScanResult) -> ScannedUpload:
    file.seek(0)
    name = quarantine_storage().save(f"infected/{inspected.feature}/{inspected.generated_name}", file)
    return ScannedUpload.objects.create(
        storage_name=name,
        feature=inspected.feature,
        original_name=inspected.original_name[:255],
        content_type=inspected.content_type,
        sha256=sha256,
        size=inspected.size,
        status=ScannedUpload.Status.INFECTED,
        signature=scan.signature[:255],
        attempts=1,
        scanned_at=timezone.now(),
    )


def _release(upload: ScannedUpload, handle) -> None:
    """Put a held file back under its name in the serving storage (idempotent after a crash)."""
    name = upload.storage_name
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if _sha256(existing) == upload.sha256:
                return  # released by an earlier run whose database update was lost
        raise RuntimeError(f"Cannot release upload {upload.pk}: another file holds {name}.")
    handle.seek(0)
    stored = default_storage.save(name, handle)
    if stored != name:
        default_storage.delete(stored)
        raise RuntimeError(f"Cannot release upload {upload.pk}: the storage renamed {name} to {stored}.")
