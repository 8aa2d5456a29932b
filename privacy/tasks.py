"""Celery tasks of privacy: take ids, call one service, idempotent (acks_late)."""

from celery import shared_task

from privacy import services


@shared_task(
    name="privacy.export_build",
    acks_late=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def export_build(export_id: str) -> str | None:
    """Build a pending export's archive (a ready one is left alone). Returns its status."""
    export = services.export_build(export_id=export_id)
    return export.status if export is not None else None


@shared_task(name="privacy.erasure_due", acks_late=True)
def erasure_due() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): erase the accounts whose grace period ended. Returns how many."""
    return services.erasures_due_run()


@shared_task(name="privacy.exports_expired_delete", acks_late=True)
def exports_expired_delete() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): delete archives whose download link expired. Returns how many."""
    return services.exports_expired_delete()
