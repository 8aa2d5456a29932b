"""Is this upload what it says it is, and within its feature's limits? (no virus scan here)

Order matters: the size is checked from the upload's declared size before a byte is read; then
only the first HEAD_SIZE bytes are read to recognise the type; the structural check that
follows reads more only for types whose limit is small (text, JSON) or through a format's own
index (a zip's central directory, an image's header and pixels up to the pixel limit).
"""

from __future__ import annotations

import codecs
import json
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from uploads import archives
from uploads.exceptions import UploadRefused
from uploads.naming import display_name, extension_of, generated_name
from uploads.policies import UploadPolicy, upload_policy
from uploads.types import HEAD_SIZE, FileType, describe_contents, has_active_content

_READ_CHUNK = 64 * 1024
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


@dataclass(frozen=True)
class InspectedUpload:
    feature: str
    file_type: FileType
    extension: str
    size: int
    original_name: str  # the uploader's name, cleaned: metadata only, never a path
    generated_name: str  # what the file is stored as: random token + allowlisted extension

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


def upload_inspect(file, *, feature: str) -> InspectedUpload:
    """Check an upload against its feature's policy; raise UploadRefused with the reason.

    `file` is a Django File / UploadedFile (name, size, seek, read). It is left at offset 0.
    """
    policy = upload_policy(feature)
    original = display_name(getattr(file, "name", ""))
    extension = extension_of(original)
    file_type = policy.type_for_extension(extension)
    if file_type is None:
        accepted = ", ".join(f".{ext}" for ext in policy.extensions)
        shown = f"“.{extension}” files are" if extension else "Files without an extension are"
        raise UploadRefused(f"{shown} not accepted here. Accepted: {accepted}.", code="type_not_allowed")

    size = file.size
    limit = policy.max_size_for(file_type)
    if size is None or size > limit:
        raise UploadRefused(
            f"The file is larger than {_megabytes(limit)}, the limit for {file_type.label}.", code="too_large"
        )
    if size == 0:
        raise UploadRefused("The file is empty.", code="empty")

    file.seek(0)
    head = file.read(HEAD_SIZE)
    if not file_type.matches(head):
        what = describe_contents(head)
        detail = f"its contents are {what}" if what else "its contents do not match that type"
        raise UploadRefused(f"The file is not {file_type.label}: {detail}.", code="type_mismatch")
    if file_type.binary and has_active_content(head):
        raise UploadRefused(
            f"The file is {file_type.label} that also holds web page or script code; such files are refused.",
            code="polyglot",
        )
    _check_structure(file, file_type=file_type, size=size, policy=policy)
    file.seek(0)
    return InspectedUpload(
        feature=feature,
        file_type=file_type,
        extension=extension,
        size=size,
        original_name=original,
        generated_name=generated_name(extension),
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _check_structure(file, *, file_type: FileType, size: int, policy: UploadPolicy) -> None:
    key = file_type.key
    if key == "pdf":
        file.seek(max(size - 1024, 0))
        if b"%%EOF" not in file.read(1024):
            raise UploadRefused("The PDF is incomplete (it has no end-of-file marker).", code="structure_invalid")
    elif file_type.text:
        text = _read_text(file, file_type)
        if key == "json":
            try:
                json.loads(text)
            except (ValueError, RecursionError):
                raise UploadRefused("The file is not valid JSON.", code="structure_invalid") from None
    elif key == "zip":
        file.seek(0)
        archives.zip_inspect(file, size=size)
    elif key in _PILLOW_FORMATS:
        _check_image(file, expected=_PILLOW_FORMATS[key], label=file_type.label, max_pixels=policy.max_pixels)


def _read_text(file, file_type: FileType) -> str:
    """The whole file as UTF-8 text (text types have small limits); NUL bytes mean binary."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts = []
    try:
        while chunk := file.read(_READ_CHUNK):
            if b"\x00" in chunk:
                raise UnicodeDecodeError("utf-8", chunk, 0, 1, "NUL byte")
            parts.append(decoder.decode(chunk))
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise UploadRefused(f"The file is not {file_type.label}: it is not UTF-8 text.", code="type_mismatch") from None
    return "".join(parts)


def _check_image(file, *, expected: str, label: str, max_pixels: int | None) -> None:
    """Pillow must recognise the format, accept the size, verify and decode the first frame."""
    refused = UploadRefused(f"The file is not a valid image ({label}).", code="structure_invalid")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file, formats=[expected]) as image:
                width, height = image.size
                if max_pixels is not None and width * height > max_pixels:
                    raise UploadRefused(
                        f"The image is {width}×{height} pixels; at most {max_pixels:,} pixels are accepted.",
                        code="too_large",
                    )
                image.verify()
            file.seek(0)
            with Image.open(file, formats=[expected]) as image:
                image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused("The image has more pixels than accepted.", code="too_large") from exc
    except UnidentifiedImageError as exc:
        raise refused from exc
    except Exception as exc:  # any decoder failure means "not a valid image"
        raise refused from exc
