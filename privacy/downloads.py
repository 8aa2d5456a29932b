"""Handing an export archive to its owner: streamed by Django, or by nginx with X-Accel-Redirect
(settings.MEDIA_ACCEL_REDIRECT), as learning.media does for lesson files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from privacy.models import ExportRequest


def _headers(export: ExportRequest) -> dict[str, str]:
    filename = f"wchi-lms-data-{export.ready_at:%Y-%m-%d}.zip" if export.ready_at else "wchi-lms-data.zip"
    return {
        "Content-Type": "application/zip",
        "Content-Disposition": content_disposition_header(True, filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }


def accel_redirect_uri(path: str) -> str:
    """The internal nginx URI of a file under MEDIA_ROOT (the /protected-media/ location)."""
    resolved = Path(path).resolve()
    try:
        relative = resolved.relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError as exc:
        raise SuspiciousFileOperation("Export archives must live under MEDIA_ROOT to go out through nginx.") from exc
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/"
    return prefix + quote(relative.as_posix(), safe="/")


def export_file_response(export: ExportRequest) -> HttpResponse:
    storage, name = export.archive.storage, export.archive.name
    if not name or not storage.exists(name):
        raise Http404("No archive.")
    if settings.MEDIA_ACCEL_REDIRECT:
        try:
            path = storage.path(name)
        except NotImplementedError as exc:
            raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT needs export archives on the local media volume.") from exc
        response = HttpResponse(b"")
        response["X-Accel-Redirect"] = accel_redirect_uri(path)
    else:
        response = FileResponse(storage.open(name, "rb"))
        response["Content-Length"] = str(storage.size(name))
    for header, value in _headers(export).items():
        response[header] = value
    return response
