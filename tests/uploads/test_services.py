"""Family E through the library: generated names, quarantine of infected files, holding while the scanner is away."""

from pathlib import Path

import pytest
from wagtail.documents import get_document_model

from uploads.exceptions import UploadInfected
from uploads.models import ScannedUpload
from uploads.services import upload_accept, upload_store, uploads_rescan_pending

from .files import EICAR, PDF, upload, zip_bytes

pytestmark = pytest.mark.django_db

Document = get_document_model()


def files_under(root) -> list[Path]:
    root = Path(root)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def store_document(name, data, feature="document"):
    """What the admin forms do: accept, store for the model's FileField, save the row."""
    uploaded = upload(name, data)
    accepted = upload_accept(uploaded, feature=feature)
    document = Document(title=accepted.inspected.original_name)
    document.file = uploaded
    record = upload_store(accepted, field_file=document.file)
    document.save()
    return document, record


# --- Generated names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\Public\\report.pdf", "report.pdf"),
        ("report.php\x00.pdf", "report.php.pdf"),
        ("lab guide <script>.pdf", "lab guide <script>.pdf"),
    ],
)
def test_names_that_try_to_escape_end_up_as_a_generated_name_inside_media_root(settings, name, shown):
    document, record = store_document(name, PDF)
    stored = Path(document.file.path).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert stored.parent == media_root / "documents"
    assert stored.stem.isalnum() and len(stored.stem) == 32
    assert stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF
    assert record.original_name == shown
    assert record.status == ScannedUpload.Status.CLEAN
    assert files_under(media_root) == [stored]


def test_two_uploads_of_one_name_get_two_names():
    first, _ = store_document("guide.pdf", PDF)
    second, _ = store_document("guide.pdf", PDF)
    assert first.file.name != second.file.name


# --- Infected files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), [("notes.txt", EICAR), ("tools.zip", zip_bytes({"bin/eicar.com": EICAR}))])
def test_infected_upload_is_refused_and_quarantined_never_in_media_root(settings, name, data):
    with pytest.raises(UploadInfected) as excinfo:
        upload_accept(upload(name, data), feature="document")
    assert excinfo.value.signature.startswith("Eicar-Test-Signature")
    assert "Eicar-Test-Signature" in excinfo.value.message
    record = ScannedUpload.objects.get(pk=excinfo.value.scanned_upload_id)
    assert record.status == ScannedUpload.Status.INFECTED
    assert [path.read_bytes() for path in files_under(settings.UPLOAD_QUARANTINE_ROOT)] == [data]
    assert files_under(settings.MEDIA_ROOT) == []


# --- Scanner down or silent: held, then rescanned ------------------------------------------------


def test_scanner_down_holds_the_upload_in_quarantine(scanner_down, settings):
    document, record = store_document("guide.pdf", PDF)
    assert record.status == ScannedUpload.Status.PENDING
    assert record.storage_name == document.file.name
    assert files_under(settings.MEDIA_ROOT) == []
    quarantined = Path(settings.UPLOAD_QUARANTINE_ROOT) / document.file.name
    assert quarantined.read_bytes() == PDF


def test_scanner_timeout_holds_the_upload(scanner_hanging, settings):
    _, record = store_document("guide.pdf", PDF)
    assert record.status == ScannedUpload.Status.PENDING
    assert files_under(settings.MEDIA_ROOT) == []


def test_rescan_once_the_scanner_is_back_releases_a_clean_file(
    scanner_down, settings, clamd_socket, django_capture_on_commit_callbacks
):
    document, _ = store_document("guide.pdf", PDF)
    assert uploads_rescan_pending(limit=10) == {"clean": 0, "infected": 0, "pending": 1}  # still down
    settings.CLAMD_SOCKET = clamd_socket  # the scanner is back
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_rescan_pending(limit=10) == {"clean": 1, "infected": 0, "pending": 0}
    record = ScannedUpload.objects.get(storage_name=document.file.name)
    assert record.status == ScannedUpload.Status.CLEAN
    assert record.attempts == 3
    assert Path(document.file.path).read_bytes() == PDF
    assert files_under(settings.UPLOAD_QUARANTINE_ROOT) == []


def test_rescan_that_finds_malware_keeps_the_file_in_quarantine(scanner_down, settings, clamd_socket):
    document, _ = store_document("notes.txt", EICAR)  # the scanner could not look at it
    settings.CLAMD_SOCKET = clamd_socket
    assert uploads_rescan_pending(limit=10) == {"clean": 0, "infected": 1, "pending": 0}
    record = ScannedUpload.objects.get(storage_name=document.file.name)
    assert record.status == ScannedUpload.Status.INFECTED
    assert record.signature.startswith("Eicar-Test-Signature")
    assert files_under(settings.MEDIA_ROOT) == []
    assert (Path(settings.UPLOAD_QUARANTINE_ROOT) / document.file.name).read_bytes() == EICAR


def test_deleting_a_held_document_drops_its_quarantined_copy(scanner_down, settings):
    document, _ = store_document("guide.pdf", PDF)
    document.delete()
    assert files_under(settings.UPLOAD_QUARANTINE_ROOT) == []
    assert not ScannedUpload.objects.exists()


def test_beat_runs_the_rescan_every_five_minutes(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "uploads.rescan_pending")
    assert entry["schedule"] == 300.0
