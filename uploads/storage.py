"""Where held files live: a file system storage outside MEDIA_ROOT, with no URL."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def quarantine_storage() -> FileSystemStorage:
    """The quarantine (UPLOAD_QUARANTINE_ROOT). Built per call so tests can point it elsewhere."""
    return FileSystemStorage(
        location=str(settings.UPLOAD_QUARANTINE_ROOT),
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )
