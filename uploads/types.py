"""The file types the library knows: how each is recognised from its first bytes.

A type is recognised by its magic bytes (`matches(head)`, on the first HEAD_SIZE bytes) and
then checked for structure (uploads.inspection). `KNOWN_CONTENTS` names what a file really is
when it is not what its extension says ("a Windows program"), for the uploader's error message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# How much of a file is read to recognise it and to look for HTML/script markers.
HEAD_SIZE = 8 * 1024

# Markers of a file a browser could take for a web page or script (polyglots: a GIF that is also
# JavaScript, a PDF with an HTML header). Searched, case-insensitively, in the head of binary types.
ACTIVE_CONTENT_MARKERS = (b"<script", b"<html", b"<svg", b"<!doctype", b"<body", b"<iframe", b"<?php")


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    matches: Callable[[bytes], bool]
    # Binary types must not carry active-content markers in their head; text types may
    # (a Markdown lesson about XSS shows <script>): they are served as attachments with nosniff.
    binary: bool = True
    text: bool = False


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _pcapng(head: bytes) -> bool:
    # Section Header Block, then the byte-order magic in either order.
    return head[:4] == b"\x0a\x0d\x0d\x0a" and head[8:12] in (b"\x1a\x2b\x3c\x4d", b"\x4d\x3c\x2b\x1a")


def looks_like_text(head: bytes) -> bool:
    """UTF-8 (a multi-byte character cut at the end of the head is fine) without NUL bytes."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _text(head: bytes) -> bool:
    return looks_like_text(head) and not any(known.matches(head) for known in _BINARY_CONTENTS)


FILE_TYPES: dict[str, FileType] = {
    file_type.key: file_type
    for file_type in (
        FileType("pdf", "a PDF document", ("pdf",), "application/pdf", _starts(b"%PDF-")),
        FileType("txt", "a text file", ("txt",), "text/plain", _text, binary=False, text=True),
        FileType("md", "a Markdown file", ("md",), "text/markdown", _text, binary=False, text=True),
        FileType("csv", "a CSV file", ("csv",), "text/csv", _text, binary=False, text=True),
        FileType("json", "a JSON file", ("json",), "application/json", _text, binary=False, text=True),
        FileType("zip", "a zip archive", ("zip",), "application/zip", _starts(b"PK\x03\x04", b"PK\x05\x06")),
        FileType(
            "pcap",
            "a packet capture (pcap)",
            ("pcap",),
            "application/vnd.tcpdump.pcap",
            _starts(b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"),
            # Captured traffic holds web pages: markers are expected, the file is only downloaded.
            binary=False,
        ),
        FileType("pcapng", "a packet capture (pcapng)", ("pcapng",), "application/octet-stream", _pcapng, binary=False),
        FileType("mp4", "an MP4 video", ("mp4",), "video/mp4", _mp4),
        FileType("webm", "a WebM video", ("webm",), "video/webm", _starts(b"\x1a\x45\xdf\xa3")),
        FileType("png", "a PNG image", ("png",), "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
        FileType("jpeg", "a JPEG image", ("jpg", "jpeg"), "image/jpeg", _starts(b"\xff\xd8\xff")),
        FileType("gif", "a GIF image", ("gif",), "image/gif", _starts(b"GIF87a", b"GIF89a")),
        FileType("webp", "a WebP image", ("webp",), "image/webp", _webp),
    )
}


@dataclass(frozen=True)
class KnownContent:
    label: str
    matches: Callable[[bytes], bool]


def _markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<body", b"<iframe"))


def _svg(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in start)


_BINARY_CONTENTS = (
    KnownContent("a Windows program", _starts(b"MZ")),
    KnownContent("a Linux program", _starts(b"\x7fELF")),
    KnownContent(
        "a macOS program",
        _starts(
            b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe"
        ),
    ),
    KnownContent("a gzip archive", _starts(b"\x1f\x8b")),
    KnownContent("a 7-Zip archive", _starts(b"7z\xbc\xaf\x27\x1c")),
    KnownContent("a RAR archive", _starts(b"Rar!\x1a\x07")),
    KnownContent("a Microsoft Office (OLE) file", _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")),
)

# What a file is, checked in this order: dangerous or confusing contents first.
KNOWN_CONTENTS: tuple[KnownContent, ...] = (
    *_BINARY_CONTENTS,
    KnownContent("an SVG drawing", _svg),
    KnownContent("a web page or script (HTML)", _markup),
    KnownContent("a shell script", _starts(b"#!")),
    *(KnownContent(t.label, t.matches) for t in FILE_TYPES.values() if not t.text),
)

# Archive formats, by magic bytes, for members of a zip.
ARCHIVE_SIGNATURES = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
)
ARCHIVE_EXTENSIONS = (".zip", ".jar", ".war", ".apk", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar")


def describe_contents(head: bytes) -> str | None:
    """What the head says the file is ("a Windows program"), or None when it is nothing we know."""
    for known in KNOWN_CONTENTS:
        if known.matches(head):
            return known.label
    return None


def has_active_content(head: bytes) -> bool:
    lowered = head.lower()
    return any(marker in lowered for marker in ACTIVE_CONTENT_MARKERS)
