"""Celery tasks of uploads: thin, idempotent."""

from celery import shared_task
from django.conf import settings

from uploads import services


@shared_task(name="uploads.rescan_pending", acks_late=True)
def rescan_pending() -> dict[str, int]:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): scan held uploads again, release the clean ones."""
    return services.uploads_rescan_pending(limit=settings.UPLOAD_RESCAN_BATCH, timeout=settings.CLAMD_RESCAN_TIMEOUT)
