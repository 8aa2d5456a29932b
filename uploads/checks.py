"""System checks: the quarantine must never be reachable through MEDIA_ROOT."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def quarantine_outside_media_root(app_configs=None, **kwargs):
    quarantine = Path(settings.UPLOAD_QUARANTINE_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if quarantine == media or media in quarantine.parents or quarantine in media.parents:
        return [
            Error(
                "UPLOAD_QUARANTINE_ROOT must lie outside MEDIA_ROOT (and not contain it).",
                hint=f"UPLOAD_QUARANTINE_ROOT={quarantine}, MEDIA_ROOT={media}",
                id="uploads.E001",
            )
        ]
    return []
