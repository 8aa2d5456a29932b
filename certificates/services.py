"""Every write on certificates. Transactions and invariants live here and nowhere else.

Invariants kept:
- one certificate per completion of an enrollment, under any concurrency: the enrollment row
  is locked while issuing, and a partial unique constraint (enrollment, completed_at) backs it;
  issuing again returns the same row, revoked or not;
- a certificate's snapshot (name, course, hours, completion, instructors, competencies) is
  taken once, at issue, and never read live afterwards;
- nothing is deleted: revoking keeps the row with its date, reason and author; a reissue is a
  new row that replaces the old one (revoked "Reissued"), each row replaced at most once;
- side effects (PDF rendering, emails) run after commit, in idempotent tasks.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from certificates import selectors
from certificates.exceptions import (
    CertificateAlreadyReissued,
    CertificateAlreadyRevoked,
    CertificateHolderErased,
    CertificateNotFound,
    CourseNotCompleted,
    RecertificationInProgress,
    RecertificationNotOpen,
    RevocationReasonRequired,
)
from certificates.models import HOLDER_REMOVED_NAME, Certificate
from courses.models import CoursePage
from learning import services as learning_services
from learning.models import Enrollment

logger = logging.getLogger(__name__)

REISSUED_REASON = "Reissued"
WITHDRAWN_REASON_PREFIX = "Completion withdrawn: "


# --- Issue ------------------------------------------------------------------------------------


def course_family_root(course: CoursePage) -> int:
    """Id of the course's first edition (follows `previous_edition`; one query per older edition)."""
    seen = {course.pk}
    root_id, previous_id = course.pk, course.previous_edition_id
    while previous_id and previous_id not in seen:
        seen.add(previous_id)
        root_id = previous_id
        previous_id = CoursePage.objects.filter(pk=previous_id).values_list("previous_edition_id", flat=True).first()
    return root_id


def certificate_expiry(course: CoursePage, completed_at):
    """Completion + the course's validity in months; None when the course sets none."""
    months = course.certificate_validity_months
    return completed_at + relativedelta(months=months) if months else None


def _snapshot(enrollment: Enrollment) -> dict:
    course = enrollment.course
    return {
        "learner_name": enrollment.user.get_display_name(),
        "course_title": course.title,
        "hours": course.estimated_hours,
        "completed_at": enrollment.completed_at,
        "instructors": [user.get_display_name() for user in course.instructors.all()],
        "competencies": [{"framework": c.framework, "code": c.code, "name": c.name} for c in course.competencies.all()],
    }


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """Issue the certificate of a completed enrollment, once per completion. Idempotent.

    The enrollment row is locked while deciding, so concurrent calls for one completion wait
    for each other and all return the same row. The PDF is rendered after commit.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("course", "user").get(pk=enrollment.pk)
    )
    if enrollment.status != Enrollment.Status.COMPLETED or enrollment.completed_at is None:
        raise CourseNotCompleted()
    existing = Certificate.objects.filter(
        enrollment=enrollment, completed_at=enrollment.completed_at, replaces__isnull=True
    ).first()
    if existing is not None:
        return existing
    course = enrollment.course
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=enrollment.user,
                enrollment=enrollment,
                course=course,
                family_course_id=course_family_root(course),
                run=enrollment.run,
                expires_at=certificate_expiry(course, enrollment.completed_at),
                **_snapshot(enrollment),
            )
    except IntegrityError:
        # Backstop for a writer that did not take the enrollment lock.
        return Certificate.objects.get(
            enrollment=enrollment, completed_at=enrollment.completed_at, replaces__isnull=True
        )
    _render_pdf_after_commit(certificate)
    logger.info("certificate issued", extra={"certificate": certificate.pk, "enrollment": enrollment.pk})
    audit_record(
        "certificate.issue",
        target=certificate,
        details={"enrollment": enrollment.pk, "course": course.pk, "learner": enrollment.user_id},
    )
    return certificate


def _render_pdf_after_commit(certificate: Certificate) -> None:
    """Queue the PDF after commit. robust: a broker outage is logged and never fails the caller
    (the learner's completion); `certificate_pdfs_missing_requeue` picks the PDF up later."""
    from certificates.tasks import certificate_render_pdf

    certificate_id = certificate.pk
    transaction.on_commit(lambda: certificate_render_pdf.delay(certificate_id), robust=True)


# --- Revoke and reissue --------------------------------------------------------------------


def _lock(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate (a reason is required). The row, its code and PDF stay: the
    verification page shows it revoked, with the date and reason."""
    reason = (reason or "").strip()
    if not reason:
        raise RevocationReasonRequired()
    certificate = _lock(certificate)
    if certificate.revoked_at is not None:
        raise CertificateAlreadyRevoked()
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = by
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    logger.info(
        "certificate revoked",
        extra={"certificate": certificate.pk, "actor": getattr(by, "pk", None), "reason": reason},
    )
    # The reason is free text (kept on the certificate): the trail keeps only its kind.
    audit_record(
        "certificate.revoke",
        actor=by,
        target=certificate,
        details={
            "learner": certificate.user_id,
            "reason": "completion_withdrawn" if reason.startswith(WITHDRAWN_REASON_PREFIX) else "staff",
        },
    )
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by) -> Certificate:
    """Replace a certificate with a new one: new code, fresh PDF, the learner's current name.

    The completion, expiry, course snapshot and reminder state carry over. The old row is
    revoked "Reissued" (unless it was revoked already) and points to its replacement; a row
    is reissued at most once (reissue the replacement to go again).
    """
    old = _lock(certificate)
    if Certificate.objects.filter(replaces=old).exists():
        raise CertificateAlreadyReissued()
    if old.learner_name == HOLDER_REMOVED_NAME:
        # Erasure removed the holder's name and PDF; a reissue would print a new one.
        raise CertificateHolderErased()
    now = timezone.now()
    new = Certificate.objects.create(
        user_id=old.user_id,
        enrollment_id=old.enrollment_id,
        course_id=old.course_id,
        family_course_id=old.family_course_id,
        run=old.run,
        learner_name=old.user.get_display_name(),
        course_title=old.course_title,
        hours=old.hours,
        completed_at=old.completed_at,
        instructors=old.instructors,
        competencies=old.competencies,
        issued_at=now,
        expires_at=old.expires_at,
        reminded_at=old.reminded_at,
        replaces=old,
    )
    if old.revoked_at is None:
        old.revoked_at = now
        old.revoked_reason = REISSUED_REASON
        old.revoked_by = by
        old.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    _render_pdf_after_commit(new)
    logger.info(
        "certificate reissued", extra={"certificate": new.pk, "replaces": old.pk, "actor": getattr(by, "pk", None)}
    )
    audit_record("certificate.reissue", actor=by, target=new, details={"replaces": old.pk, "learner": new.user_id})
    return new


def certificates_revoke_for_withdrawn_completion(*, enrollment: Enrollment, reason: str) -> list[Certificate]:
    """Revoke every unrevoked certificate of the enrollment: its completion no longer counts."""
    revoked = []
    for certificate in Certificate.objects.filter(enrollment_id=enrollment.pk).unrevoked():
        try:
            revoked.append(
                certificate_revoke(certificate=certificate, by=None, reason=f"{WITHDRAWN_REASON_PREFIX}{reason}")
            )
        except CertificateAlreadyRevoked:
            continue  # revoked by someone else meanwhile
    return revoked


# --- Recertification ---------------------------------------------------------------------------


def certificate_recertify(*, user, certificate: Certificate) -> Enrollment:
    """Take the course again as a new run, from the learner's current certificate once it is
    expired or expiring (selectors.recertification_is_open). The earlier run and its
    certificates stay as history; completing the new run issues a new certificate."""
    if certificate.user_id != user.pk:
        raise CertificateNotFound()
    history = selectors.family_history(user_id=user.pk, family_course_id=certificate.family_course_id)
    if not selectors.recertification_is_open(certificate, selectors.current_of(history)):
        raise RecertificationNotOpen()
    if Enrollment.objects.filter(pk=certificate.enrollment_id, status=Enrollment.Status.SUPERSEDED).exists():
        raise RecertificationInProgress()
    course = CoursePage.objects.get(pk=certificate.course_id)
    enrollment = learning_services.enrollment_start_new_run(user=user, course=course)
    logger.info("recertification started", extra={"certificate": certificate.pk, "enrollment": enrollment.pk})
    return enrollment


# --- PDF ---------------------------------------------------------------------------------------


def certificate_pdf_render(*, certificate_id: int) -> Certificate | None:
    """Render and store the certificate's PDF unless it has one. Idempotent; None when the
    certificate is gone. Rendering runs outside any transaction (it is slow); storing locks
    the row, and a copy rendered concurrently by another worker is discarded."""
    from certificates.pdf import certificate_pdf_bytes

    certificate = Certificate.objects.select_related("course").filter(pk=certificate_id).first()
    # An erased holder's certificate has no PDF: it would print a name that is no more.
    if certificate is None or certificate.pdf or certificate.holder_removed:
        return certificate
    content = certificate_pdf_bytes(certificate)
    name = f"certificates/{certificate.issued_at:%Y/%m}/{certificate.pk}-{secrets.token_hex(8)}.pdf"
    storage = Certificate._meta.get_field("pdf").storage
    stored_name = storage.save(name, ContentFile(content))
    with transaction.atomic():
        locked = _lock(certificate)
        if locked.pdf or locked.holder_removed:  # rendered meanwhile, or the holder was erased meanwhile
            storage.delete(stored_name)
            return locked
        locked.pdf.name = stored_name
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
    logger.info("certificate pdf rendered", extra={"certificate": certificate_id, "bytes": len(content)})
    return locked


# How long a certificate may wait for its PDF before the sweep queues it again.
PDF_GRACE = timedelta(minutes=10)


def certificate_pdfs_missing_requeue(*, moment=None) -> int:
    """Queue the PDF of every unrevoked certificate still without one after PDF_GRACE (its task
    was lost: broker down, worker crashed past its retries). Rendering is idempotent, so a
    duplicate is harmless. Returns the number queued."""
    from certificates.tasks import certificate_render_pdf

    cutoff = (moment or timezone.now()) - PDF_GRACE
    ids = list(
        Certificate.objects.unrevoked()
        .filter(pdf="", issued_at__lte=cutoff)
        .exclude(learner_name=HOLDER_REMOVED_NAME)
        .values_list("pk", flat=True)[:500]
    )
    for certificate_id in ids:
        certificate_render_pdf.delay(certificate_id)
    return len(ids)


# --- Expiry reminders ------------------------------------------------------------------------


def certificates_to_remind(moment=None):
    """Unrevoked, not yet reminded certificates expiring within CERTIFICATE_REMINDER_DAYS."""
    moment = moment or timezone.now()
    return Certificate.objects.unrevoked().filter(
        reminded_at__isnull=True,
        expires_at__gt=moment,
        expires_at__lte=moment + timedelta(days=selectors.reminder_days()),
    )


def certificate_expiry_reminders_send(*, moment=None) -> int:
    """Email each learner whose current certificate expires soon, once per certificate.

    Each certificate is claimed under a row lock (skip_locked: two beat runs never send the
    same reminder) and marked in the transaction that sends it; a failed send rolls its mark
    back (the next run tries again) and the others go on. Certificates that are not the learner's current one
    (a newer run already earned) are marked without an email. Returns the emails sent.
    """
    moment = moment or timezone.now()
    sent = 0
    for certificate_id in list(certificates_to_remind(moment).values_list("pk", flat=True)):
        try:
            sent += _expiry_reminder_send_one(certificate_id, moment)
        except Exception:
            logger.exception("certificate expiry reminder failed", extra={"certificate": certificate_id})
    return sent


@transaction.atomic
def _expiry_reminder_send_one(certificate_id: int, moment) -> int:
    certificate = (
        certificates_to_remind(moment)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        return 0  # reminded, revoked or renewed meanwhile, or another run holds it
    history = selectors.family_history(user_id=certificate.user_id, family_course_id=certificate.family_course_id)
    current = selectors.current_of(history)
    emailed = current is not None and current.pk == certificate.pk and certificate.user.is_active
    if emailed:
        _send_expiry_reminder(certificate)
    certificate.reminded_at = moment
    certificate.save(update_fields=["reminded_at"])
    return int(emailed)


def _send_expiry_reminder(certificate: Certificate) -> None:
    context = {
        "certificate": certificate,
        "dashboard_url": selectors.site_base_url() + reverse("learning:dashboard"),
        "verify_url": selectors.certificate_verify_url(certificate),
    }
    subject = render_to_string("certificates/email/expiry_reminder_subject.txt", context).strip()
    body = render_to_string("certificates/email/expiry_reminder.txt", context)
    send_mail(subject, body, None, [certificate.user.email])
