"""Erasure: asked for with the password, cancellable during the grace period, then run by the
beat task; what is deleted, anonymised and kept; certificates stay verifiable; the ledger and
its replay after a restore."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.selectors import admin_access_cache_key
from assessments.models import Attempt, IntegrityEvent, LabSubmission
from certificates.models import HOLDER_REMOVED_NAME, Certificate
from courses.models import CoursePage
from learning.models import Enrollment, LessonProgress
from privacy import services
from privacy.models import ErasureLedgerEntry, ErasureRequest, ExportRequest
from privacy.tasks import erasure_due
from tests.conftest import PASSWORD
from tests.learning.clients import jwt_client, session_client

pytestmark = pytest.mark.django_db


def _due(erasure):
    ErasureRequest.objects.filter(pk=erasure.pk).update(due_at=timezone.now() - timedelta(seconds=1))


# --- asking, cancelling ---------------------------------------------------------------------------------


def test_the_site_asks_for_the_password_before_scheduling(
    student, settings, client, django_capture_on_commit_callbacks
):
    settings.ERASURE_GRACE_DAYS = 14
    client.force_login(student)
    form = client.get(reverse("privacy:erasure_request"))
    assert form.status_code == 200 and b'type="password"' in form.content

    wrong = client.post(reverse("privacy:erasure_request"), {"password": "not-my-password-at-all", "confirm": "on"})
    assert wrong.status_code == 200 and b"That is not your password." in wrong.content
    assert not ErasureRequest.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(reverse("privacy:erasure_request"), {"password": PASSWORD, "confirm": "on"})

    assert right.status_code == 302
    erasure = ErasureRequest.objects.get(user=student)
    assert erasure.status == ErasureRequest.Status.PENDING
    assert timedelta(days=14) - timedelta(minutes=1) < erasure.due_at - timezone.now() <= timedelta(days=14)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [student.email]
    assert "cancel" in mail.outbox[0].body.lower()
    page = client.get(reverse("privacy:overview"))
    assert b'data-testid="erasure-pending"' in page.content


def test_the_api_schedules_with_the_password_and_cancels_with_delete(student, django_capture_on_commit_callbacks):
    client = jwt_client(student)
    assert client.get("/api/v1/me/erasure/").json()["data"]["status"] == "none"

    wrong = client.post("/api/v1/me/erasure/", {"password": "wrong-password-1234"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0] == {
        "code": "wrong_password",
        "message": "That is not your password.",
        "field": "password",
    }

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = client.post("/api/v1/me/erasure/", {"password": PASSWORD}, format="json")
    assert scheduled.status_code == 202 and scheduled.json()["data"]["status"] == "pending"
    again = client.post("/api/v1/me/erasure/", {"password": PASSWORD}, format="json")
    assert again.json()["data"]["due_at"] == scheduled.json()["data"]["due_at"]
    assert ErasureRequest.objects.filter(user=student).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.delete("/api/v1/me/erasure/")
    assert cancelled.status_code == 200 and cancelled.json()["data"]["status"] == "cancelled"
    assert client.delete("/api/v1/me/erasure/").status_code == 404
    assert [message.subject for message in mail.outbox][-1] == "The erasure of your account is cancelled"


def test_a_cancelled_erasure_never_runs(student, run_on_commit):
    erasure, _ = services.erasure_request_create(user=student)
    services.erasure_request_cancel(user=student)
    _due(erasure)

    assert erasure_due() == 0
    student.refresh_from_db()
    assert student.is_active and not student.email.endswith("@invalid")


def test_nothing_happens_before_the_grace_period_ends(student):
    services.erasure_request_create(user=student)
    assert erasure_due() == 0
    student.refresh_from_db()
    assert student.is_active


def test_the_site_cancel_is_a_post(student):
    services.erasure_request_create(user=student)
    client = session_client(student)
    assert client.get(reverse("privacy:erasure_cancel")).status_code == 405
    client.post(reverse("privacy:erasure_cancel"))
    assert ErasureRequest.objects.get(user=student).status == ErasureRequest.Status.CANCELLED


# --- running it ---------------------------------------------------------------------------------------


def test_erasure_deletes_anonymises_and_keeps_what_it_should(student, plant, run_on_commit, client):
    planted = plant(student, client=client)
    run_on_commit(services.export_request_create, user=student)
    refresh = RefreshToken.for_user(student)
    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)

    assert run_on_commit(erasure_due) == 1

    user = get_user_model().objects.get(pk=student.pk)
    # The account row: anonymised, unusable.
    assert user.email.startswith("erased-") and user.email.endswith("@invalid")
    assert (user.first_name, user.last_name, user.display_name) == ("", "", "")
    assert not user.is_active and not user.has_usable_password() and not user.groups.exists()
    # Aggregates kept: enrollments, progress, scores, completions.
    assert Enrollment.objects.filter(user=user).count() == 2
    assert LessonProgress.objects.filter(enrollment__user=user, completed_at__isnull=False).exists()
    attempt = Attempt.objects.get(pk=planted.attempt.pk)
    assert attempt.score == planted.attempt.score and attempt.passed == planted.attempt.passed
    # Free text blanked, network traces gone.
    assert attempt.answers[planted.essay_id] == ""
    assert attempt.start_ip is None and attempt.start_user_agent == ""
    assert not IntegrityEvent.objects.filter(attempt=attempt).exclude(ip=None).exists()
    assert LabSubmission.objects.filter(user=user, ip__isnull=False).count() == 0
    # Certificate kept and verifiable, without the name or the PDF.
    certificate = Certificate.objects.get(pk=planted.certificate.pk)
    assert certificate.learner_name == HOLDER_REMOVED_NAME and not certificate.pdf
    assert not planted.certificate.pdf.storage.exists(planted.certificate.pdf.name)
    # Exports gone, with their files.
    assert not ExportRequest.objects.filter(user=user).exists()
    # Sessions, tokens and cache.
    assert not client.session.exists(planted.session_key)
    assert client.get(reverse("privacy:overview")).status_code == 302
    assert OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).count() == 0
    refreshed = session_client(user)
    refreshed.logout()
    assert refreshed.post("/api/v1/auth/token/refresh/", {"refresh": str(refresh)}, format="json").status_code == 401
    assert cache.get(admin_access_cache_key(user.pk)) is None
    # The request is done and the ledger knows.
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.COMPLETED
    entry = ErasureLedgerEntry.objects.get(user_id=user.pk)
    assert entry.requested_at == erasure.requested_at


def test_erasure_is_audited_and_the_audit_trail_keeps_its_pseudonymous_rows(student, run_on_commit):
    from audit.models import AuditEvent
    from audit.services import actor_pseudonym

    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)
    run_on_commit(erasure_due)

    actions = set(AuditEvent.objects.filter(target_id=str(erasure.pk)).values_list("action", flat=True))
    assert actions == {"privacy.erasure.request", "privacy.erasure.complete"}
    assert AuditEvent.objects.filter(actor_ref=actor_pseudonym(student), action="privacy.erasure.request").exists()


def test_a_staff_account_can_be_erased_too(instructor, make_course, run_on_commit):
    built = make_course(instructors=[instructor])
    erasure, _ = services.erasure_request_create(user=instructor)
    _due(erasure)

    run_on_commit(erasure_due)

    instructor.refresh_from_db()
    assert not instructor.is_active and instructor.email.endswith("@invalid")
    assert instructor.pk not in CoursePage.objects.get(pk=built.course.pk).instructors.values_list("pk", flat=True)


def test_the_verification_page_and_api_say_the_holder_was_removed(student, plant, run_on_commit, api_client):
    planted = plant(student)
    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)
    run_on_commit(erasure_due)
    code = planted.certificate.code

    page = api_client.get(reverse("certificates:verify", kwargs={"code": code}))
    api = api_client.get(f"/api/v1/certificates/verify/{code}/").json()["data"]

    assert page.status_code == 200
    assert b'data-testid="certificate-holder-removed"' in page.content
    assert b"Holder removed at their request" in page.content
    assert planted.value("display").encode() not in page.content
    assert api["status"] == "valid"
    assert api["snapshot"]["learner_name"] == "holder removed at their request"
    assert api["snapshot"]["holder_removed"] is True


def test_the_pdf_sweep_does_not_render_an_erased_holders_certificate_again(student, plant, run_on_commit):
    from certificates import services as certificate_services

    planted = plant(student)
    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)
    run_on_commit(erasure_due)
    Certificate.objects.filter(pk=planted.certificate.pk).update(issued_at=timezone.now() - timedelta(days=2))

    assert certificate_services.certificate_pdfs_missing_requeue() == 0
    certificate_services.certificate_pdf_render(certificate_id=planted.certificate.pk)
    assert not Certificate.objects.get(pk=planted.certificate.pk).pdf


# --- ledger and restore --------------------------------------------------------------------------------


def test_replay_after_a_restore_erases_again(student, plant, run_on_commit, settings):
    """Erase, then put the old rows back (a restore of a backup taken before), then replay."""
    from django.core.management import call_command

    planted = plant(student)
    user_model = get_user_model()
    before = user_model.objects.get(pk=student.pk)
    old_account = {f.attname: getattr(before, f.attname) for f in user_model._meta.concrete_fields}
    old_attempt_answers = Attempt.objects.get(pk=planted.attempt.pk).answers
    old_name = Certificate.objects.get(pk=planted.certificate.pk).learner_name
    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)
    run_on_commit(erasure_due)

    # The restore: the backup predates the erasure, so the rows are back and the ledger table
    # lost the entry; the ledger file (outside the database) still has it.
    user_model.objects.filter(pk=student.pk).update(**{k: v for k, v in old_account.items() if k != "id"})
    Attempt.objects.filter(pk=planted.attempt.pk).update(answers=old_attempt_answers)
    Certificate.objects.filter(pk=planted.certificate.pk).update(learner_name=old_name)
    ErasureRequest.objects.filter(pk=erasure.pk).update(status=ErasureRequest.Status.PENDING, completed_at=None)
    ErasureLedgerEntry.objects.all().delete()
    assert user_model.objects.get(pk=student.pk).email == planted.user.email

    run_on_commit(call_command, "erasure_replay")

    user = user_model.objects.get(pk=student.pk)
    assert user.email.endswith("@invalid") and not user.is_active and user.display_name == ""
    assert Attempt.objects.get(pk=planted.attempt.pk).answers[planted.essay_id] == ""
    assert Certificate.objects.get(pk=planted.certificate.pk).learner_name == HOLDER_REMOVED_NAME
    assert ErasureLedgerEntry.objects.get(user_id=student.pk).replayed_at is not None
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.COMPLETED


def test_replay_leaves_erased_accounts_alone(student, run_on_commit):
    erasure, _ = services.erasure_request_create(user=student)
    _due(erasure)
    run_on_commit(erasure_due)

    assert services.erasure_replay() == []
