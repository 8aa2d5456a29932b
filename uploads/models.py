"""The scan record of every upload that went through the library."""

from django.db import models


class ScannedUpload(models.Model):
    """One uploaded file and what the virus scanner said about it.

    `storage_name` is the file's name in its serving storage (Django's default storage, under
    MEDIA_ROOT). A CLEAN file is there; a PENDING or INFECTED one is under the same name in the
    quarantine storage (UPLOAD_QUARANTINE_ROOT) and nowhere else, so nothing can serve it.
    An INFECTED upload refused at the door has no object pointing at it: it is evidence only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for a virus scan"
        CLEAN = "clean", "scanned clean"
        INFECTED = "infected", "infected (quarantined)"

    storage_name = models.CharField(max_length=255, unique=True)
    feature = models.CharField(max_length=40)
    original_name = models.CharField(max_length=255, blank=True, help_text="The uploader's file name (metadata only).")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    signature = models.CharField(max_length=255, blank=True, help_text="The malware's name when infected.")
    attempts = models.PositiveIntegerField(default=0, help_text="Scans tried, including the one at upload.")
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scanned_at = models.DateTimeField(null=True, blank=True, help_text="When the current status was decided.")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="uploads_status_created")]

    def __str__(self) -> str:
        return f"{self.storage_name} ({self.status})"

    @property
    def is_servable(self) -> bool:
        return self.status == self.Status.CLEAN
