"""File names: uploads are stored under generated names; the uploader's name is only metadata.

No part of an uploaded name ever reaches a storage path, so `../../etc/passwd.pdf`, absolute
paths, NUL bytes and Windows separators cannot point anywhere: the stored name is a random
token and an extension from the policy's allowlist.
"""

from __future__ import annotations

import secrets
import unicodedata

_MAX_NAME = 200


def display_name(original: str | None) -> str:
    """The uploader's file name, for titles and download names: last path part, printable only."""
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control chars, NUL
    name = name.strip(" .")
    return name[-_MAX_NAME:] or "upload"


def extension_of(name: str) -> str:
    """Lowercased extension of a display name ("" when there is none)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def generated_name(extension: str) -> str:
    """A fresh storage file name: 32 hex characters of randomness and an allowlisted extension."""
    return f"{secrets.token_hex(16)}.{extension}"


def download_filename(original: str | None, stored_name: str) -> str:
    """The name a browser saves the file as: the uploader's name with the stored file's extension.

    Content-Disposition is built by Django's `content_disposition_header`, which quotes and
    encodes it; quotes and control characters are removed here so the name stays one token.
    """
    extension = extension_of(stored_name.rsplit("/", 1)[-1])
    name = display_name(original).replace('"', "").replace(";", "") if original else ""
    if not name:
        return stored_name.rsplit("/", 1)[-1]
    if extension and extension_of(name) != extension:
        name = f"{name}.{extension}"
    return name
