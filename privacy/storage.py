"""Where export archives live: a private directory that no URL serves.

PRIVACY_EXPORT_ROOT (default: MEDIA_ROOT/privacy-exports). nginx answers 404 for every /media/
path but images, so the default is private; downloads go through privacy.views.export_download
(owner only), which hands the file to nginx with X-Accel-Redirect in production.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def export_root() -> Path:
    configured = getattr(settings, "PRIVACY_EXPORT_ROOT", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "privacy-exports"


@deconstructible
class ExportStorage(FileSystemStorage):
    """FileSystemStorage whose location follows the settings at each use (tests move MEDIA_ROOT)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(export_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Export archives have no public URL.")

    def deconstruct(self):
        return ("privacy.storage.ExportStorage", (), {})


def export_storage() -> ExportStorage:
    return ExportStorage()
