"""Reads of the privacy app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from privacy.models import ErasureRequest, ExportRequest


def exports_of(user, *, limit: int = 10) -> list[ExportRequest]:
    """The user's latest export requests, newest first."""
    return list(ExportRequest.objects.filter(user=user).order_by("-requested_at")[:limit])


def export_download_url(export: ExportRequest, *, moment=None) -> str | None:
    """The download link while the archive is ready and its link has not expired."""
    if export.status != ExportRequest.Status.READY or export.is_expired(moment or timezone.now()):
        return None
    return reverse("privacy:export_download", kwargs={"export_id": export.pk})


def erasure_pending(user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).first()


def export_pending(user) -> ExportRequest | None:
    return ExportRequest.objects.filter(user=user, status=ExportRequest.Status.PENDING).first()
