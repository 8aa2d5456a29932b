"""Consent: published versions of the terms and privacy policy, and every choice a person made.

Imported by profiles/models.py so Django sees the models; the logic is in profiles/consent.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.fields import RichTextField


class LegalDocumentQuerySet(models.QuerySet):
    def in_force(self, *, at=None):
        return self.filter(effective_at__lte=at or timezone.now())


class LegalDocument(models.Model):
    """One published version of the terms of service or the privacy policy.

    The version in force is the latest whose effective date has come; publishing a new one asks
    everyone to accept it at their next sign-in. A version somebody accepted is never rewritten
    (the record must show what they agreed to): publish a new version instead.
    """

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of service"
        PRIVACY = "privacy", "Privacy policy"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.CharField(
        max_length=32, help_text="Shown to people and kept in their consent record, e.g. 2025-01."
    )
    title = models.CharField(max_length=200)
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    url = models.URLField(blank=True, help_text="Or the address where this version is published.")
    effective_at = models.DateTimeField(
        default=timezone.now, help_text="From this moment on, this version is the one people must accept."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LegalDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="legal_document_kind_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    def clean(self) -> None:
        if not self.body and not self.url:
            raise ValidationError("Give the text of this version or the address where it is published.")
        if self.pk:
            before = LegalDocument.objects.filter(pk=self.pk).first()
            changed = before is not None and (
                (before.kind, before.version, before.body, before.url) != (self.kind, self.version, self.body, self.url)
            )
            if changed and ConsentRecord.objects.filter(document_id=self.pk).exists():
                raise ValidationError(
                    "People have accepted this version, so its text cannot change. Publish a new version instead."
                )


class ConsentRecord(models.Model):
    """One choice: a version of the terms or privacy policy accepted, or marketing email granted or withdrawn."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of service"
        PRIVACY = "privacy", "Privacy policy"
        MARKETING = "marketing", "Marketing email"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.CharField(max_length=32, blank=True)
    granted = models.BooleanField(default=True)
    accepted_at = models.DateTimeField(default=timezone.now, help_text="When the choice was made.")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "-accepted_at"], name="consent_user_kind_time")]

    def __str__(self) -> str:
        verb = "accepted" if self.granted else "withdrew"
        return f"{self.user_id} {verb} {self.get_kind_display()} {self.version}".strip()
