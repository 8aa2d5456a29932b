"""Per-feature upload policies, read from settings.UPLOAD_POLICIES (lms_site/settings/parts/uploads.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from uploads.types import FILE_TYPES, FileType


@dataclass(frozen=True)
class UploadPolicy:
    feature: str
    types: tuple[FileType, ...]
    max_size: int
    type_max_size: dict[str, int] = field(default_factory=dict)
    max_pixels: int | None = None

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(extension for file_type in self.types for extension in file_type.extensions)

    def type_for_extension(self, extension: str) -> FileType | None:
        return next((t for t in self.types if extension in t.extensions), None)

    def max_size_for(self, file_type: FileType) -> int:
        return min(self.max_size, self.type_max_size.get(file_type.key, self.max_size))


def upload_policy(feature: str) -> UploadPolicy:
    """The policy of a feature ("document", "image", …); an unknown feature is a programming error."""
    try:
        config = settings.UPLOAD_POLICIES[feature]
    except KeyError:
        raise ImproperlyConfigured(f"No upload policy for the feature {feature!r} in UPLOAD_POLICIES.") from None
    unknown = [key for key in config["types"] if key not in FILE_TYPES]
    if unknown:
        raise ImproperlyConfigured(f"UPLOAD_POLICIES[{feature!r}] names unknown file types: {unknown}.")
    return UploadPolicy(
        feature=feature,
        types=tuple(FILE_TYPES[key] for key in config["types"]),
        max_size=config["max_size"],
        type_max_size=dict(config.get("type_max_size", {})),
        max_pixels=config.get("max_pixels"),
    )
