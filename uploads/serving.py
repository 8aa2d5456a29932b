"""How a view hands out an uploaded file: refuse held ones, and send the rest as inert attachments."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from uploads.models import ScannedUpload
from uploads.naming import download_filename

# `sandbox` makes a file opened as a page an opaque origin with no scripts, forms or plugins;
# media-src lets the browser's own player page play a video opened directly.
ATTACHMENT_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; media-src 'self'"


def held_upload_response(status: str | None) -> HttpResponse | None:
    """None when the file may go out; a 409 while it waits for a scan; Http404 when infected."""
    if status is None or status == ScannedUpload.Status.CLEAN:
        return None
    if status == ScannedUpload.Status.PENDING:
        response = HttpResponse(
            "This file is being scanned for viruses. Try again in a few minutes.",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "300"
        response["Cache-Control"] = "no-store"
        return response
    raise Http404("No such file.")


def attachment_headers(*, content_type: str, original_name: str | None, stored_name: str) -> dict[str, str]:
    """Headers of a response carrying an uploaded file: always an attachment, never sniffed, sandboxed.

    Browsers still play a <video src> or show an <img src> whatever the disposition; opened
    directly, the file is downloaded instead of rendered in our origin.
    """
    return {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition_header(True, download_filename(original_name, stored_name)),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": ATTACHMENT_CONTENT_SECURITY_POLICY,
    }
