"""Export requests, erasure requests and the erasure ledger."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacy.storage import export_storage


class ExportRequest(models.Model):
    """A learner's request for a copy of their data; the archive expires EXPORT_LINK_TTL_HOURS after it is built."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    archive = models.FileField(storage=export_storage, upload_to="", blank=True, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # One export being prepared per user: a second request returns the first.
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="one_pending_export_per_user")
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    def is_expired(self, moment=None) -> bool:
        if self.status == self.Status.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (moment or timezone.now())


class ErasureRequest(models.Model):
    """A learner asked for their account to be erased; it happens at `due_at` unless cancelled."""

    class Status(models.TextChoices):
        PENDING = "pending", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="one_pending_erasure_per_user")
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"erasure of user {self.user_id} ({self.status})"


class ErasureLedgerEntry(models.Model):
    """One erased account: its id and the times, nothing else. Replayed after a backup restore
    (`manage.py erasure_replay`) so people erased after the backup stay erased."""

    user_id = models.BigIntegerField(
        unique=True, help_text="The erased account's id (not a foreign key: it outlives restores)."
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(default=timezone.now)
    replayed_at = models.DateTimeField(null=True, blank=True, help_text="Last time a replay erased data again.")

    class Meta:
        ordering = ["erased_at"]
        verbose_name_plural = "erasure ledger entries"

    def __str__(self) -> str:
        return f"user {self.user_id} erased {self.erased_at:%Y-%m-%d}"
