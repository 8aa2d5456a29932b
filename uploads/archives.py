"""Zip archives, judged from their central directory without extracting anything.

Refused: more entries than `max_entries`, a declared uncompressed total over `max_total_size`,
a compression ratio over `max_ratio` (for a member or the archive, once past 1 MiB), encrypted
members (no scanner can read them), symbolic links, member names that could escape a folder
(`..`, absolute, drive letters, backslashes, control characters), and archives nested deeper
than `max_depth`. A nested zip is read (only up to its declared size) and inspected the same way;
other archive formats inside a zip are refused, since they cannot be inspected cheaply.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile

from django.conf import settings

from uploads.exceptions import UploadRefused
from uploads.types import ARCHIVE_EXTENSIONS, ARCHIVE_SIGNATURES

RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_COPY_CHUNK = 64 * 1024


def zip_limits() -> dict:
    return dict(settings.UPLOAD_ZIP_LIMITS)


def zip_inspect(file, *, size: int, depth: int = 0, limits: dict | None = None) -> None:
    """Raise UploadRefused unless the zip's central directory is within the limits (see module doc)."""
    limits = limits or zip_limits()
    where = "inside the archive" if depth == 0 else "inside a nested archive"
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused("The zip archive is damaged or not a zip archive.", code="archive_invalid") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits["max_entries"]:
            raise UploadRefused(
                f"The archive has {len(members)} entries; at most {limits['max_entries']} are accepted.",
                code="archive_too_many_entries",
            )
        total = 0
        for member in members:
            _check_member_name(member)
            if member.flag_bits & 0x1:
                raise UploadRefused(f"“{member.filename}” {where} is encrypted.", code="archive_encrypted")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UploadRefused(f"“{member.filename}” {where} is a symbolic link.", code="archive_link")
            total += member.file_size
            if total > limits["max_total_size"]:
                raise UploadRefused(
                    f"The archive unpacks to more than {limits['max_total_size'] // (1024 * 1024)} MB.",
                    code="archive_too_large",
                )
            if member.file_size > RATIO_FLOOR and member.file_size > limits["max_ratio"] * max(member.compress_size, 1):
                raise UploadRefused(
                    f"“{member.filename}” {where} is compressed more than {limits['max_ratio']} to 1 (an archive bomb?).",
                    code="archive_ratio",
                )
        if total > RATIO_FLOOR and total > limits["max_ratio"] * max(size, 1):
            raise UploadRefused(
                f"The archive is compressed more than {limits['max_ratio']} to 1 (an archive bomb?).",
                code="archive_ratio",
            )
        for member in members:
            if not member.is_dir() and _is_archive(archive, member):
                _inspect_nested(archive, member, depth=depth, limits=limits)


def _check_member_name(member: zipfile.ZipInfo) -> None:
    # orig_filename: zipfile cuts a name at a NUL byte in `filename`; the archive's own bytes count.
    name = member.orig_filename
    parts = name.split("/")
    if (
        "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    ):
        raise UploadRefused(
            f"The archive holds an unsafe file name ({name!r}): names with “..”, absolute paths, "
            "backslashes or control characters are refused.",
            code="archive_unsafe_name",
        )


def _is_archive(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    if member.filename.lower().endswith(ARCHIVE_EXTENSIONS):
        return True
    try:
        with archive.open(member) as handle:
            head = handle.read(8)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise UploadRefused(f"“{member.filename}” inside the archive cannot be read.", code="archive_invalid") from None
    return head.startswith(ARCHIVE_SIGNATURES)


def _inspect_nested(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, depth: int, limits: dict) -> None:
    if depth + 1 > limits["max_depth"]:
        raise UploadRefused(
            f"“{member.filename}” is an archive nested too deep (at most {limits['max_depth']} level).",
            code="archive_nested",
        )
    with archive.open(member) as handle:
        if not handle.read(4).startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise UploadRefused(
                f"“{member.filename}” inside the archive is an archive that is not a zip; only zips may be nested.",
                code="archive_nested",
            )
    # Decompress at most the declared size (already counted in the total) + 1 byte: a member
    # that inflates past its declared size is lying about it.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
        try:
            with archive.open(member) as handle:
                remaining = member.file_size + 1
                while remaining > 0:
                    chunk = handle.read(min(_COPY_CHUNK, remaining))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    copy.write(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            raise UploadRefused(f"“{member.filename}” inside the archive is damaged.", code="archive_invalid") from None
        if remaining <= 0:
            raise UploadRefused(f"“{member.filename}” is larger than the archive declares.", code="archive_invalid")
        copy.seek(0)
        zip_inspect(copy, size=member.file_size, depth=depth + 1, limits=limits)
