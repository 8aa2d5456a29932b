"""Celery tasks of certificates: take ids, call one service, idempotent (acks_late)."""

from celery import shared_task
from django.db import OperationalError

from certificates import services
from learning.models import Enrollment

# Transient failures worth another try: the database or the disk hiccuped.
TRANSIENT_ERRORS = (OperationalError, OSError)


@shared_task(
    name="certificates.certificate_render_pdf",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def certificate_render_pdf(certificate_id: int) -> bool:
    """Render and store a certificate's PDF unless it has one. True when the PDF exists after."""
    certificate = services.certificate_pdf_render(certificate_id=certificate_id)
    return bool(certificate is not None and certificate.pdf)


@shared_task(
    name="certificates.certificate_issue",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=8,
)
def certificate_issue(enrollment_id: int) -> int | None:
    """Issue an enrollment's certificate (the retry path when issuing on completion failed)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status != Enrollment.Status.COMPLETED:
        return None
    return services.certificate_issue(enrollment=enrollment).pk


@shared_task(
    name="certificates.certificates_revoke_withdrawn",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=8,
)
def certificates_revoke_withdrawn(enrollment_id: int, reason: str) -> int:
    """Revoke an enrollment's certificates (the retry path when revoking on withdrawal failed)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.completed_at is not None:
        return 0  # gone, or completed again meanwhile: nothing to take back
    return len(services.certificates_revoke_for_withdrawn_completion(enrollment=enrollment, reason=reason))


@shared_task(name="certificates.certificate_expiry_reminders", acks_late=True)
def certificate_expiry_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind learners whose certificate expires soon. Returns emails sent."""
    return services.certificate_expiry_reminders_send()


@shared_task(name="certificates.certificate_pdfs_missing_requeue", acks_late=True)
def certificate_pdfs_missing_requeue() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): queue PDFs whose render task was lost. Returns the number queued."""
    return services.certificate_pdfs_missing_requeue()
