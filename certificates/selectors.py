"""Reads of certificates, with their joins done; counts don't grow with the number of certificates.

"Current" certificate: of a learner's certificates for one course family (all editions, runs
and reissues), the newest completion that is not revoked. Only the current one can be
recertified, and verifying any other shows which one is current.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from certificates.models import Certificate
from learning.models import Enrollment

# What the public verification shows of each certificate: the snapshot, the dates, the status.
# Never the user, their email or the enrollment.
VERIFICATION_FIELDS = (
    "id",
    "code",
    "user_id",
    "family_course_id",
    "run",
    "learner_name",
    "course_title",
    "hours",
    "completed_at",
    "instructors",
    "competencies",
    "issued_at",
    "expires_at",
    "revoked_at",
    "revoked_reason",
    "replaces_id",
)


def reminder_days() -> int:
    return settings.CERTIFICATE_REMINDER_DAYS


def site_base_url() -> str:
    """Absolute base of links that leave the site (QR code, emails, API): WAGTAILADMIN_BASE_URL."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def certificate_verify_url(certificate: Certificate) -> str:
    """The absolute URL of the certificate's public verification page."""
    return site_base_url() + certificate.get_absolute_url()


def current_of(history: list[Certificate]) -> Certificate | None:
    """The current certificate of one family's history (in `history_order`)."""
    return next((certificate for certificate in history if certificate.revoked_at is None), None)


def recertification_is_open(certificate: Certificate, current: Certificate | None, *, moment=None) -> bool:
    """The rule for taking a course again: on the learner's current certificate of the course,
    once it expired or expires within CERTIFICATE_REMINDER_DAYS. Certificates that never
    expire never need it."""
    return (
        current is not None
        and certificate.pk == current.pk
        and certificate.revoked_at is None
        and certificate.expires_within(reminder_days(), moment)
    )


def family_history(*, user_id: int, family_course_id: int, fields=VERIFICATION_FIELDS) -> list[Certificate]:
    """A learner's certificates of one course family, newest completion first (one query)."""
    return list(
        Certificate.objects.filter(user_id=user_id, family_course_id=family_course_id).only(*fields).history_order()
    )


@dataclass
class Verification:
    """What /certificates/verify/<code>/ and its API show: public, the same for every visitor."""

    certificate: Certificate
    status: str
    history: list[Certificate]
    current: Certificate | None
    replaced_by: Certificate | None
    checked_at: object

    @property
    def is_current(self) -> bool:
        return self.current is not None and self.current.pk == self.certificate.pk


def certificate_verification(code: str) -> Verification | None:
    """The certificate with this code and its family history, or None. Two queries."""
    certificate = Certificate.objects.filter(code=code).only(*VERIFICATION_FIELDS).first()
    if certificate is None:
        return None
    history = family_history(user_id=certificate.user_id, family_course_id=certificate.family_course_id)
    # The row itself from the history list: one object per certificate on the page.
    certificate = next((entry for entry in history if entry.pk == certificate.pk), certificate)
    moment = timezone.now()
    return Verification(
        certificate=certificate,
        status=certificate.status_at(moment),
        history=history,
        current=current_of(history),
        replaced_by=next((entry for entry in history if entry.replaces_id == certificate.pk), None),
        checked_at=moment,
    )


def certificates_of(user):
    """The user's own certificates, newest first, with the course and enrollment joined."""
    return Certificate.objects.filter(user=user).select_related("course", "enrollment").order_by("-issued_at", "-pk")


@dataclass
class OwnCertificate:
    """One of the learner's certificates as the dashboard and the API show it."""

    certificate: Certificate
    status: str
    is_current: bool
    can_recertify: bool
    # A new run of the course is under way (the certificate's enrollment was superseded).
    new_run_started: bool


def own_certificate_states(certificates: list[Certificate], family_rows: list[Certificate]) -> list[OwnCertificate]:
    """States of `certificates`, judged against all of the learner's certificates (`family_rows`)."""
    histories: dict[int, list[Certificate]] = {}
    for row in sorted(family_rows, key=lambda c: (c.completed_at, c.issued_at, c.pk), reverse=True):
        histories.setdefault(row.family_course_id, []).append(row)
    moment = timezone.now()
    states = []
    for certificate in certificates:
        current = current_of(histories.get(certificate.family_course_id, []))
        new_run = certificate.enrollment.status == Enrollment.Status.SUPERSEDED
        states.append(
            OwnCertificate(
                certificate=certificate,
                status=certificate.status_at(moment),
                is_current=current is not None and current.pk == certificate.pk,
                can_recertify=not new_run and recertification_is_open(certificate, current, moment=moment),
                new_run_started=new_run,
            )
        )
    return states


def own_family_rows(user) -> list[Certificate]:
    """The few columns of all the user's certificates that decide which one is current (one query)."""
    return list(
        Certificate.objects.filter(user=user).only("id", "family_course_id", "completed_at", "issued_at", "revoked_at")
    )


def own_certificates_for_dashboard(user) -> list[OwnCertificate]:
    """Every certificate of the user with its state, for the dashboard: one query."""
    certificates = list(certificates_of(user))
    return own_certificate_states(certificates, certificates)
