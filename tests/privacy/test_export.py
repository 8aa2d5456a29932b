"""Data export: the archive holds everything, the link is the owner's only and expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacy import services
from privacy.models import ExportRequest
from tests.learning.clients import jwt_client, session_client

pytestmark = pytest.mark.django_db


def _archive(export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.archive.storage.open(export.archive.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _text_of(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_export_contains_every_planted_value_and_the_files(student, plant, run_on_commit):
    planted = plant(student)

    export, created = run_on_commit(services.export_request_create, user=student)

    assert created
    export.refresh_from_db()
    assert export.status == ExportRequest.Status.READY
    archive = _archive(export)
    names = archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    # One JSON file per registered model, listed in the manifest.
    assert "data/accounts.User.json" in names and "data/assessments.Attempt.json" in names
    assert all(entry["file"] in names for entry in manifest["models"].values())
    text = _text_of(archive)
    for name in ("first", "last", "display", "essay answer", "short answer", "agent", "login agent"):
        assert planted.value(name) in text, name
    assert planted.user.email in text
    assert "198.51.100.77" in text  # IP of the attempt and the flag try
    certificates = json.loads(archive.read("data/certificates.Certificate.json"))
    assert certificates[0]["learner_name"] == planted.value("display")
    assert certificates[0]["code"] == planted.certificate.code
    lab_tries = json.loads(archive.read("data/assessments.LabSubmission.json"))
    assert len(lab_tries) == 1 and lab_tries[0]["correct"] is False
    enrollments = json.loads(archive.read("data/learning.Enrollment.json"))
    assert len(enrollments) == 2
    progress = json.loads(archive.read("data/learning.LessonProgress.json"))
    assert any(row["completed_at"] for row in progress)
    # Files: the certificate PDF and the avatar, byte for byte.
    pdf_member = next(name for name in names if name.startswith("files/certificates.Certificate/"))
    with planted.certificate.pdf.open("rb") as pdf:
        assert archive.read(pdf_member) == pdf.read()
    avatar_member = next(name for name in names if name.startswith("files/wagtailusers.UserProfile/"))
    assert planted.value("avatar content") in archive.read(avatar_member).decode()
    # Secrets stay out: the password hash, drawn questions (answer keys), token strings.
    assert student.password not in text
    assert '"questions"' not in archive.read("data/assessments.Attempt.json").decode()


def test_the_export_of_a_profile_holds_its_details_when_the_profiles_app_has_one(student, run_on_commit):
    from django.apps import apps

    try:
        profile_model = apps.get_model("profiles", "LearnerProfile")
    except LookupError:
        pytest.skip("no learner profiles")
    profile_model.objects.create(user=student, skillbridge_notes="notes-4b1d")
    export, _ = run_on_commit(services.export_request_create, user=student)
    assert "notes-4b1d" in _text_of(_archive(export))


def test_the_archive_is_written_to_private_storage_outside_any_public_url(student, run_on_commit, settings):
    export, _ = run_on_commit(services.export_request_create, user=student)
    export.refresh_from_db()
    path = export.archive.path
    assert path.startswith(str(settings.MEDIA_ROOT / "privacy-exports"))
    with pytest.raises(NotImplementedError):
        export.archive.url  # noqa: B018


def test_the_learner_requests_on_the_site_and_gets_an_email_with_the_link(student, django_capture_on_commit_callbacks):
    client = session_client(student)
    page = client.get(reverse("privacy:overview"))
    assert page.status_code == 200 and b'data-testid="export-request"' in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_request"))

    assert response.status_code == 302
    export = ExportRequest.objects.get(user=student)
    assert export.status == ExportRequest.Status.READY
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [student.email]
    link = reverse("privacy:export_download", kwargs={"export_id": export.pk})
    assert link in mail.outbox[0].body
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).read("manifest.json")
    overview = client.get(reverse("privacy:overview"))
    assert link.encode() in overview.content


def test_a_get_never_requests_an_export(student):
    assert session_client(student).get(reverse("privacy:export_request")).status_code == 405
    assert not ExportRequest.objects.exists()


def test_one_pending_export_at_a_time(student, run_on_commit, monkeypatch):
    # The worker is slow today: the first request is still pending when the second comes.
    monkeypatch.setattr("privacy.tasks.export_build.delay", lambda export_id: None)
    client = jwt_client(student)
    first = client.post("/api/v1/me/export/")
    second = client.post("/api/v1/me/export/")
    assert first.status_code == second.status_code == 202
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert ExportRequest.objects.filter(user=student).count() == 1
    assert first.json()["data"]["download_url"] is None


def test_the_api_lists_exports_with_the_download_url_when_ready(student, django_capture_on_commit_callbacks):
    client = jwt_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/me/export/")
    assert created.status_code == 202
    export_id = created.json()["data"]["id"]

    listing = client.get("/api/v1/me/export/").json()["data"]

    assert listing[0]["id"] == export_id and listing[0]["status"] == "ready"
    url = listing[0]["download_url"]
    assert url == f"/api/v1/me/export/{export_id}/download/"
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"


def test_another_user_gets_404_for_the_download(student, other_student, run_on_commit):
    export, _ = run_on_commit(services.export_request_create, user=student)
    site_link = reverse("privacy:export_download", kwargs={"export_id": export.pk})
    api_link = f"/api/v1/me/export/{export.pk}/download/"

    assert session_client(other_student).get(site_link).status_code == 404
    assert jwt_client(other_student).get(api_link).status_code == 404
    assert jwt_client(other_student).get("/api/v1/me/export/").json()["data"] == []
    anonymous = session_client(other_student)
    anonymous.logout()
    assert anonymous.get(site_link).status_code == 302  # to the login page, which reveals nothing
    assert ExportRequest.objects.get(pk=export.pk).downloaded_at is None


def test_the_link_answers_410_once_it_expired(student, run_on_commit, settings):
    settings.EXPORT_LINK_TTL_HOURS = 72
    export, _ = run_on_commit(services.export_request_create, user=student)
    export.refresh_from_db()
    assert export.expires_at - export.ready_at == timedelta(hours=72)
    ExportRequest.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    site = session_client(student).get(reverse("privacy:export_download", kwargs={"export_id": export.pk}))
    api = jwt_client(student).get(f"/api/v1/me/export/{export.pk}/download/")

    assert site.status_code == 410
    assert api.status_code == 410 and api.json()["errors"][0]["code"] == "export_expired"
    assert jwt_client(student).get("/api/v1/me/export/").json()["data"][0]["download_url"] is None


def test_expired_archives_are_deleted_by_the_sweep(student, run_on_commit):
    export, _ = run_on_commit(services.export_request_create, user=student)
    export.refresh_from_db()
    storage, name = export.archive.storage, export.archive.name
    ExportRequest.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.exports_expired_delete() == 1

    assert not storage.exists(name)
    assert ExportRequest.objects.get(pk=export.pk).status == ExportRequest.Status.EXPIRED
    assert (
        session_client(student).get(reverse("privacy:export_download", kwargs={"export_id": export.pk})).status_code
        == 410
    )


def test_production_hands_the_archive_to_nginx(student, run_on_commit, settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    export, _ = run_on_commit(services.export_request_create, user=student)
    export.refresh_from_db()

    response = session_client(student).get(reverse("privacy:export_download", kwargs={"export_id": export.pk}))

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/privacy-exports/{export.archive.name}"
    assert response["Content-Disposition"].startswith("attachment")


def test_export_request_ready_and_download_are_audited(student, run_on_commit):
    from audit.models import AuditEvent
    from audit.services import actor_pseudonym

    export, _ = run_on_commit(services.export_request_create, user=student)
    session_client(student).get(reverse("privacy:export_download", kwargs={"export_id": export.pk}))

    actions = list(AuditEvent.objects.filter(target_id=str(export.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["privacy.export.request", "privacy.export.ready", "privacy.export.download"]
    assert AuditEvent.objects.filter(action="privacy.export.request", actor_ref=actor_pseudonym(student)).exists()
