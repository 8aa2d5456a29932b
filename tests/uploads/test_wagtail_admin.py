"""Family E through the real Wagtail admin upload views (as an instructor) and the document URL."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Collection

from uploads.models import ScannedUpload
from uploads.services import uploads_rescan_pending

from .files import EICAR, EXE, HTML, MP4, PDF, image_bytes, upload, zip_bytes

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()


def files_under(root) -> list[Path]:
    root = Path(root)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def admin_client(client, instructor):
    client.force_login(instructor)
    return client


def add_document(client, name, data, title="Lab guide"):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": title, "file": upload(name, data), "collection": Collection.get_first_root_node().pk},
    )


def add_documents_multiple(client, name, data):
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": upload(name, data), "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 200
    return json.loads(response.content)


def add_images_multiple(client, name, data):
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload(name, data), "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 200
    return json.loads(response.content)


def form_errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get("file", [])]


# --- Single upload view: refused files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("invoice.pdf", EXE, "its contents are a Windows program"),
        ("report.pdf", HTML, "its contents are a web page or script (HTML)"),
        ("guide.pdf", b"<html><script>alert(1)</script></html>" + PDF, "web page or script"),
    ],
)
def test_spoofed_document_is_refused_with_the_reason_on_the_file_field(admin_client, settings, name, data, reason):
    response = add_document(admin_client, name, data)
    assert response.status_code == 200  # the form again, with the error
    errors = form_errors(response)
    assert len(errors) == 1 and errors[0].startswith("This file was refused.") and reason in errors[0]
    assert reason in response.content.decode()
    assert not Document.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_zip_bomb_is_refused_in_the_admin(admin_client, settings):
    response = add_document(admin_client, "lab.zip", zip_bytes({"zeros.bin": bytes(16 * 1024 * 1024)}))
    assert "compressed more than 100 to 1" in form_errors(response)[0]
    assert not Document.objects.exists()


@pytest.mark.parametrize(("name", "data"), [("notes.txt", EICAR), ("tools.zip", zip_bytes({"eicar.com": EICAR}))])
def test_eicar_upload_is_refused_quarantined_and_absent_from_media_root(admin_client, settings, name, data):
    response = add_document(admin_client, name, data)
    errors = form_errors(response)
    assert len(errors) == 1 and "Eicar-Test-Signature" in errors[0] and "quarantined" in errors[0]
    assert not Document.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []
    record = ScannedUpload.objects.get()
    assert record.status == ScannedUpload.Status.INFECTED
    assert [path.read_bytes() for path in files_under(settings.UPLOAD_QUARANTINE_ROOT)] == [data]


# --- Single upload view: accepted files, generated names, served as inert attachments --------------


def test_clean_document_is_stored_under_a_generated_name_and_served_as_an_attachment(admin_client, settings):
    response = add_document(admin_client, "../../etc/Lab Guide.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name.startswith("documents/") and "Lab" not in document.file.name
    assert Path(document.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert ScannedUpload.objects.get(storage_name=document.file.name).status == ScannedUpload.Status.CLEAN

    served = admin_client.get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Disposition"] == 'attachment; filename="Lab Guide.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in [part.strip().split(" ")[0] for part in served["Content-Security-Policy"].split(";")]


def test_x_accel_mode_sends_the_same_inert_headers(admin_client, settings):
    add_document(admin_client, "guide.pdf", PDF)
    document = Document.objects.get()
    settings.MEDIA_ACCEL_REDIRECT = True
    served = admin_client.get(document.url)
    assert served["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert served["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"].startswith("sandbox")


def test_nginx_restores_the_sandbox_policy_on_x_accel_responses():
    # nginx drops Django's CSP header on an X-Accel-Redirect; its internal location sets it again.
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "lms.conf").read_text()
    location = conf.split("location /protected-media/", 1)[1].split("}", 1)[0]
    assert 'add_header Content-Security-Policy "sandbox' in location
    assert 'add_header X-Content-Type-Options "nosniff"' in location


def test_uploaded_video_is_an_attachment_too(admin_client):
    add_document(admin_client, "intro.mp4", MP4, title="Intro")
    served = admin_client.get(Document.objects.get().url)
    assert served["Content-Type"] == "video/mp4"
    assert served["Content-Disposition"] == 'attachment; filename="intro.mp4"'


# --- Scanner down: held, 409, released by the rescan ---------------------------------------------


def test_scanner_down_holds_the_document_and_answers_409_until_a_rescan_releases_it(
    admin_client, scanner_down, settings, clamd_socket, django_capture_on_commit_callbacks
):
    response = add_document(admin_client, "guide.pdf", PDF)
    assert response.status_code == 302  # accepted, held
    document = Document.objects.get()
    assert files_under(settings.MEDIA_ROOT) == []
    assert ScannedUpload.objects.get(storage_name=document.file.name).status == ScannedUpload.Status.PENDING

    held = admin_client.get(document.url)
    assert held.status_code == 409
    assert "being scanned" in held.content.decode()
    settings.MEDIA_ACCEL_REDIRECT = True
    held = admin_client.get(document.url)
    assert held.status_code == 409 and "X-Accel-Redirect" not in held
    settings.MEDIA_ACCEL_REDIRECT = False

    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks(execute=True):
        uploads_rescan_pending(limit=10)
    served = admin_client.get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF


def test_scanner_timeout_holds_the_document(admin_client, scanner_hanging, settings):
    assert add_document(admin_client, "guide.pdf", PDF).status_code == 302
    document = Document.objects.get()
    assert admin_client.get(document.url).status_code == 409
    assert files_under(settings.MEDIA_ROOT) == []


def test_held_file_found_infected_on_rescan_is_never_served(admin_client, scanner_down, settings, clamd_socket):
    add_document(admin_client, "notes.txt", EICAR)
    document = Document.objects.get()
    settings.CLAMD_SOCKET = clamd_socket
    uploads_rescan_pending(limit=10)
    assert ScannedUpload.objects.get(storage_name=document.file.name).status == ScannedUpload.Status.INFECTED
    assert admin_client.get(document.url).status_code == 404
    settings.MEDIA_ACCEL_REDIRECT = True
    response = admin_client.get(document.url)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    assert files_under(settings.MEDIA_ROOT) == []


# --- Multiple upload view ----------------------------------------------------------------------


def test_multiple_upload_refuses_a_spoofed_file_with_the_reason(admin_client, settings):
    data = add_documents_multiple(admin_client, "invoice.pdf", EXE)
    assert data["success"] is False
    assert "its contents are a Windows program" in data["error_message"]
    assert not Document.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_multiple_upload_quarantines_eicar(admin_client, settings):
    data = add_documents_multiple(admin_client, "notes.txt", EICAR)
    assert data["success"] is False and "Eicar-Test-Signature" in data["error_message"]
    assert files_under(settings.MEDIA_ROOT) == []
    assert ScannedUpload.objects.get().status == ScannedUpload.Status.INFECTED


def test_multiple_upload_stores_a_clean_file_under_a_generated_name(admin_client):
    data = add_documents_multiple(admin_client, "..\\..\\guide.pdf", PDF)
    assert data["success"] is True
    document = Document.objects.get(pk=data["doc_id"])
    assert document.file.name.startswith("documents/") and "guide" not in document.file.name
    assert ScannedUpload.objects.get(storage_name=document.file.name).original_name == "guide.pdf"


def test_multiple_upload_holds_while_the_scanner_is_down(admin_client, scanner_down, settings):
    data = add_documents_multiple(admin_client, "guide.pdf", PDF)
    assert data["success"] is True
    document = Document.objects.get(pk=data["doc_id"])
    assert admin_client.get(document.url).status_code == 409
    assert files_under(settings.MEDIA_ROOT) == []


# --- Images ----------------------------------------------------------------------------------------


def test_png_named_jpg_is_refused_by_the_image_uploader(admin_client):
    data = add_images_multiple(admin_client, "photo.jpg", image_bytes("PNG"))
    assert data["success"] is False
    assert not Image.objects.exists()


def test_gif_with_a_script_is_refused_by_the_image_uploader(admin_client, settings):
    gif = image_bytes("GIF", comment=b"<script>alert(document.domain)</script>")
    data = add_images_multiple(admin_client, "cat.gif", gif)
    assert data["success"] is False and "web page or script code" in data["error_message"]
    assert files_under(settings.MEDIA_ROOT) == []


def test_clean_image_is_stored_under_a_generated_name_and_renders(admin_client, settings):
    data = add_images_multiple(admin_client, "../photo.png", image_bytes("PNG", size=(64, 64)))
    assert data["success"] is True
    image = Image.objects.get(pk=data["image_id"])
    assert image.file.name.startswith("original_images/") and "photo" not in image.file.name
    rendition = image.get_rendition("max-32x32")
    assert Path(settings.MEDIA_ROOT, rendition.file.name).exists()


def test_held_image_has_no_file_and_no_rendition_under_media_until_released(
    admin_client, scanner_down, settings, clamd_socket, django_capture_on_commit_callbacks
):
    data = add_images_multiple(admin_client, "photo.png", image_bytes("PNG", size=(64, 64)))
    assert data["success"] is True
    image = Image.objects.get(pk=data["image_id"])
    assert files_under(settings.MEDIA_ROOT) == []  # neither the original nor a thumbnail
    with pytest.raises(SourceImageIOError):
        image.get_rendition("max-32x32")
    assert files_under(Path(settings.MEDIA_ROOT) / "images") == []

    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks(execute=True):
        uploads_rescan_pending(limit=10)
    rendition = Image.objects.get(pk=image.pk).get_rendition("max-32x32")
    assert Path(settings.MEDIA_ROOT, rendition.file.name).exists()


def test_image_listing_renders_while_an_image_is_held(admin_client, scanner_down):
    add_images_multiple(admin_client, "photo.png", image_bytes("PNG", size=(64, 64)))
    assert admin_client.get(reverse("wagtailimages:index")).status_code == 200


# --- Other admin paths that take a file --------------------------------------------------------


def test_replacing_a_document_file_checks_the_new_file(admin_client, settings):
    add_document(admin_client, "guide.pdf", PDF)
    document = Document.objects.get()
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=(document.pk,)),
        {"title": "Lab guide", "file": upload("guide-v2.pdf", EXE), "collection": document.collection_id},
    )
    assert "its contents are a Windows program" in response.content.decode()
    document.refresh_from_db()
    assert Path(document.file.path).read_bytes() == PDF


def test_replacing_a_document_file_stores_the_new_one_and_forgets_the_old(admin_client, settings):
    add_document(admin_client, "guide.pdf", PDF)
    document = Document.objects.get()
    old_name = document.file.name
    new_pdf = PDF.replace(b"Catalog", b"Catalog /Lang (en)")
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=(document.pk,)),
        {"title": "Lab guide", "file": upload("guide-v2.pdf", new_pdf), "collection": document.collection_id},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name != old_name and Path(document.file.path).read_bytes() == new_pdf
    assert list(ScannedUpload.objects.values_list("storage_name", flat=True)) == [document.file.name]


def test_multiple_upload_whose_metadata_failed_is_scanned_when_the_image_is_created(
    admin_client, scanner_down, settings
):
    # An unknown collection makes Wagtail keep the file aside (UploadedFile) and ask for the
    # metadata again; the image created from it is scanned then, and held here. (Documents
    # cannot take this path: Wagtail's Document.clean fails on it before any file is attached.)
    Collection.get_first_root_node().add_child(name="Labs")  # with one collection Wagtail picks it
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("photo.png", image_bytes("PNG", size=(64, 64))), "collection": 999999},
    )
    data = json.loads(response.content)
    assert data["success"] is True and "uploaded_file_id" in data
    upload_id = data["uploaded_file_id"]
    response = admin_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=(upload_id,)),
        {
            f"uploaded-image-{upload_id}-title": "Photo",
            f"uploaded-image-{upload_id}-collection": Collection.get_first_root_node().pk,
        },
    )
    assert json.loads(response.content)["success"] is True
    image = Image.objects.get()
    assert ScannedUpload.objects.get(storage_name=image.file.name).status == ScannedUpload.Status.PENDING
    assert files_under(Path(settings.MEDIA_ROOT) / "original_images") == []
    with pytest.raises(SourceImageIOError):
        image.get_rendition("max-32x32")
