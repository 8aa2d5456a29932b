"""Shapes of the privacy API (export and erasure of the caller's own data)."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from privacy.models import ErasureRequest, ExportRequest


class ExportRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ExportRequest.Status.choices)
    requested_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="When the download link stops working.")
    size = serializers.IntegerField(help_text="Bytes of the archive (0 until it is ready).")
    download_url = serializers.SerializerMethodField(
        help_text="GET it (session or JWT) for the zip while the archive is ready; null otherwise."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, export) -> str | None:
        if export.status != ExportRequest.Status.READY or export.is_expired(timezone.now()):
            return None
        return reverse("api-v1:me-export-download", kwargs={"export_id": export.pk})


class ErasureInputSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)


class ErasureStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("none", "None")] + list(ErasureRequest.Status.choices),
        help_text="`pending` while scheduled (cancel with DELETE); `none` when nothing is scheduled.",
    )
    requested_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="When the account will be erased.")
    cancelled_at = serializers.DateTimeField(allow_null=True)


def erasure_status(erasure: ErasureRequest | None) -> dict:
    if erasure is None:
        return {"status": "none", "requested_at": None, "due_at": None, "cancelled_at": None}
    return {
        "status": erasure.status,
        "requested_at": erasure.requested_at,
        "due_at": erasure.due_at,
        "cancelled_at": erasure.cancelled_at,
    }
