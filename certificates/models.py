"""Certificates of completion and the templates their PDFs are drawn from.

A certificate is learner history: it points at the enrollment and the course with
on_delete=PROTECT and keeps a snapshot (learner name, course title, hours, completion date,
instructors, competencies) that is what every page, API answer and PDF shows; later edits of
the course or the profile never change an issued certificate. Status is derived: revoked
(`revoked_at` set), expired (`expires_at` passed) or valid.

Rows are never deleted. A reissue is a new row that `replaces` the old one (revoked with the
reason "Reissued"); a new run of the course (recertification) earns a new row for the new
enrollment. `family_course` (the first edition of the course) groups all of them into the
learner's history of that course.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

# The fields a template's body may name, as {name}. Replaced by plain string substitution
# (never str.format, whose {name.attr} syntax reads attributes) and then HTML-escaped.
TEMPLATE_PLACEHOLDERS = ("name", "course", "date", "hours", "code")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
CODE_BYTES = 24  # secrets.token_urlsafe(24): 32 URL-safe characters, 192 random bits
# The snapshot name of a certificate whose holder had their account erased (privacy): the
# certificate stays verifiable, without saying who held it.
HOLDER_REMOVED_NAME = "holder removed at their request"


def certificate_code_new() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def validate_template_placeholders(text: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in TEMPLATE_PLACEHOLDERS})
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in TEMPLATE_PLACEHOLDERS)
        raise ValidationError(f"Unknown placeholder(s): {', '.join(unknown)}. Use only {allowed}.")


def template_text_fill(text: str, values: dict[str, str]) -> str:
    """`text` with each known {placeholder} replaced by its value; anything else stays as typed."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


validate_hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1d4ed8 (# and six hex digits).")


class CertificateTemplate(models.Model):
    """How a course's certificate PDF looks. One per course at most; the one without a course
    is the default. Edited by administrators as a Wagtail snippet."""

    name = models.CharField(max_length=100)
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Leave empty for the default template, used by every course without its own. "
        "A course's template also applies to its later editions that have none.",
    )
    heading = models.CharField(max_length=120, default="Certificate of completion")
    body = models.TextField(
        default="This certifies that {name} has successfully completed {course} ({hours} hours) on {date}.",
        validators=[validate_template_placeholders],
        help_text="Plain text. Placeholders: {name}, {course}, {date}, {hours}, {code}.",
    )
    signatory_name = models.CharField(max_length=120, blank=True)
    signatory_title = models.CharField(max_length=120, blank=True)
    accent_colour = models.CharField(max_length=7, default="#1d4ed8", validators=[validate_hex_colour])

    panels = [
        FieldPanel("name"),
        FieldPanel("course"),
        FieldPanel("heading"),
        FieldPanel("body"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")])], "Signature"),
        FieldPanel("accent_colour"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            # One template per course, and one default (no course): course 0 stands for "none".
            models.UniqueConstraint(
                Coalesce("course", Value(0)),
                name="one_certificate_template_per_course",
                violation_error_message="There is already a template for this course (or a default template).",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CertificateQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def history_order(self):
        """Newest completion first; a reissue (same completion) after the row it replaced."""
        return self.order_by("-completed_at", "-issued_at", "-pk")


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    code = models.CharField(max_length=64, unique=True, default=certificate_code_new, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    enrollment = models.ForeignKey("learning.Enrollment", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="+", help_text="The edition completed."
    )
    family_course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The course's first edition: groups runs, editions and reissues into one history.",
    )
    run = models.PositiveSmallIntegerField(default=1)
    # The snapshot: what the certificate says, whatever happens to the course or profile later.
    learner_name = models.CharField(max_length=255)
    course_title = models.CharField(max_length=255)
    hours = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField()
    instructors = models.JSONField(default=list, blank=True, help_text="Instructor names.")
    competencies = models.JSONField(default=list, blank=True, help_text="[{framework, code, name}].")

    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the expiry reminder was sent.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The certificate this one reissued.",
    )
    # Private: stored under MEDIA_ROOT/certificates/, which nginx never serves from /media/;
    # downloaded through certificates.views.certificate_pdf by its owner only.
    pdf = models.FileField(upload_to="certificates/", blank=True, max_length=255)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One certificate per completion of an enrollment, under any concurrency; reissues
            # (which replace a row) are outside it, and one row is replaced at most once.
            models.UniqueConstraint(
                fields=["enrollment", "completed_at"],
                condition=Q(replaces__isnull=True),
                name="one_certificate_per_completion",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "family_course"]),
            models.Index(fields=["expires_at"], condition=Q(reminded_at__isnull=True), name="certificate_to_remind"),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} — {self.learner_name}"

    def get_absolute_url(self) -> str:
        """The public verification page (the site path; see selectors.certificate_verify_url)."""
        return reverse("certificates:verify", kwargs={"code": self.code})

    def status_at(self, moment) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def expires_within(self, days: int, moment=None) -> bool:
        """Expired already, or expiring within `days` of `moment` (now)."""
        if self.expires_at is None:
            return False
        return self.expires_at <= (moment or timezone.now()) + timedelta(days=days)

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf)

    @property
    def holder_removed(self) -> bool:
        """The holder's account was erased: the snapshot name says so, and there is no PDF."""
        return self.learner_name == HOLDER_REMOVED_NAME
