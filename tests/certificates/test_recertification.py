"""Recertification: from an expiring or expired certificate, the learner takes the course again
as a new run and earns a new certificate; the earlier run and certificate stay as history."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from certificates import selectors, services
from certificates.exceptions import RecertificationNotOpen
from certificates.models import Certificate
from courses.editions import course_edition_start
from learning.models import Enrollment, LessonProgress
from tests.builders import BuiltCourse, publish
from tests.learning.clients import jwt_client

pytestmark = pytest.mark.django_db


def expiring_in(certificate: Certificate, days: float) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=days))
    certificate.refresh_from_db()


@pytest.fixture
def built(make_course):
    return make_course(modules=1, lessons=2, title="Vulnerability Management", certificate_validity_months=12)


@pytest.fixture
def first(built, student, complete_course):
    return Certificate.objects.get(enrollment=complete_course(student, built))


def test_the_whole_cycle_from_expiring_certificate_to_a_new_one(client, built, student, first, complete_course):
    expiring_in(first, 7)
    first_enrollment = first.enrollment
    client.force_login(student)

    # The dashboard offers it, and the learner takes the course again.
    assert f'action="/certificates/{first.pk}/recertify/"' in client.get("/dashboard/").content.decode()
    response = client.post(f"/certificates/{first.pk}/recertify/")
    assert response.status_code == 302
    new_run = Enrollment.objects.get(user=student, course=built.course, run=2)
    assert new_run.status == Enrollment.Status.ACTIVE
    assert new_run.completed_lessons == 0
    first_enrollment.refresh_from_db()
    assert first_enrollment.status == Enrollment.Status.SUPERSEDED
    assert LessonProgress.objects.filter(enrollment=first_enrollment, completed_at__isnull=False).count() == 2
    html = client.get("/dashboard/").content.decode()
    assert "New run in progress" in html
    assert 'data-testid="certificate-recertify"' not in html

    # Completing the new run earns a new certificate with a new code and validity.
    complete_course(student, built)
    second = Certificate.objects.get(enrollment=new_run)
    assert second.code != first.code
    assert second.run == 2
    assert second.expires_at == second.completed_at + relativedelta(months=12)
    assert second.expires_at > first.expires_at
    first.refresh_from_db()
    assert first.revoked_at is None  # history, not revoked

    # The old code verifies as superseded and links the current one; both show the history.
    old_page = client.get(f"/certificates/verify/{first.code}/").content.decode()
    assert 'data-testid="certificate-superseded"' in old_page
    assert "superseded by a newer certificate" in old_page
    assert f'href="/certificates/verify/{second.code}/" data-testid="current-certificate"' in old_page
    assert old_page.count('data-testid="history-entry"') == 2
    new_page = client.get(f"/certificates/verify/{second.code}/").content.decode()
    assert 'data-testid="certificate-superseded"' not in new_page
    assert new_page.count('data-testid="history-entry"') == 2

    # The API says the same.
    data = client.get(f"/api/v1/certificates/verify/{first.code}/").json()["data"]
    assert data["is_current"] is False
    assert data["current"]["code"] == second.code
    assert [entry["code"] for entry in data["history"]] == [second.code, first.code]
    own = {item["code"]: item for item in jwt_client(student).get("/api/v1/certificates/").json()["data"]}
    assert own[second.code]["is_current"] is True
    assert own[first.code]["is_current"] is False
    assert not own[first.code]["can_recertify"]


def test_an_expired_certificate_can_be_recertified(student, first):
    expiring_in(first, -30)
    enrollment = services.certificate_recertify(user=student, certificate=first)
    assert enrollment.run == 2


def test_recertification_is_not_open_far_from_expiry(student, first):
    with pytest.raises(RecertificationNotOpen):
        services.certificate_recertify(user=student, certificate=first)


def test_a_certificate_that_never_expires_cannot_be_recertified(make_course, student, complete_course):
    certificate = Certificate.objects.get(enrollment=complete_course(student, make_course(modules=1, lessons=1)))
    with pytest.raises(RecertificationNotOpen):
        services.certificate_recertify(user=student, certificate=certificate)


def test_only_the_current_certificate_can_be_recertified(built, student, first, complete_course):
    expiring_in(first, 3)
    services.certificate_recertify(user=student, certificate=first)
    second = Certificate.objects.get(enrollment=complete_course(student, built))
    expiring_in(first, -1)
    with pytest.raises(RecertificationNotOpen):
        services.certificate_recertify(user=student, certificate=first)
    assert (
        selectors.current_of(selectors.family_history(user_id=student.pk, family_course_id=first.family_course_id))
        == second
    )


def test_a_revoked_certificate_cannot_be_recertified(student, first, administrator):
    expiring_in(first, 3)
    services.certificate_revoke(certificate=first, by=administrator, reason="Fraud")
    with pytest.raises(RecertificationNotOpen):
        services.certificate_recertify(user=student, certificate=first)


def test_a_new_run_goes_to_the_current_edition_and_keeps_one_history(
    built, student, first, administrator, complete_course
):
    new_edition = course_edition_start(
        course=built.course, user=administrator, title="Vulnerability Management (2027)", slug="vm-2027"
    )
    publish(new_edition)
    expiring_in(first, 3)

    enrollment = services.certificate_recertify(user=student, certificate=first)

    assert enrollment.course_id == new_edition.pk
    second = Certificate.objects.get(enrollment=complete_course(student, BuiltCourse(new_edition)))
    assert second.course_title == "Vulnerability Management (2027)"
    assert second.family_course_id == first.family_course_id == built.course.pk
    verification = selectors.certificate_verification(first.code)
    assert [entry.pk for entry in verification.history] == [second.pk, first.pk]
    assert verification.current == second
