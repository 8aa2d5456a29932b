"""Reading scan records: is a stored file servable?"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from uploads.models import ScannedUpload


def scanned_upload_of(storage_name: str) -> ScannedUpload | None:
    return ScannedUpload.objects.filter(storage_name=storage_name).first()


def with_upload_scan(queryset: QuerySet, *, file_field: str = "file") -> QuerySet:
    """Annotate each object with its file's `upload_scan_status` and `upload_original_name`.

    In the same query (two correlated subqueries on the unique storage name), so a serving view
    checks the scan without one more round trip. Both are None for a file no upload path
    recorded (stored by code: seed data, fixtures).
    """
    scans = ScannedUpload.objects.filter(storage_name=OuterRef(file_field))
    return queryset.annotate(
        upload_scan_status=Subquery(scans.values("status")[:1]),
        upload_original_name=Subquery(scans.values("original_name")[:1]),
    )


def upload_status_is_servable(status: str | None) -> bool:
    """Served: scanned clean, or never an upload (no record). Pending and infected files never."""
    return status is None or status == ScannedUpload.Status.CLEAN
