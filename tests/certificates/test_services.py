"""certificates.services: issue, revoke, reissue, withdrawal, expiry."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from certificates import services
from certificates.exceptions import (
    CertificateAlreadyReissued,
    CertificateAlreadyRevoked,
    CertificateHolderErased,
    CourseNotCompleted,
    RevocationReasonRequired,
)
from certificates.models import Certificate
from learning import services as learning_services
from learning.models import Enrollment
from tests.builders import publish
from tests.factories import CompetencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_completing_a_course_issues_one_certificate_with_a_snapshot(make_course, student, complete_course):
    instructor = UserFactory(display_name="Grace Hopper")
    competency = CompetencyFactory(code="PD-WRL-001", name="Defensive Cybersecurity")
    built = make_course(
        modules=1,
        lessons=2,
        title="Network Defense",
        estimated_hours=12,
        instructors=[instructor],
        competencies=[competency],
    )

    enrollment = complete_course(student, built)

    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.user == student
    assert certificate.learner_name == student.get_display_name()
    assert certificate.course_title == "Network Defense"
    assert certificate.hours == 12
    assert certificate.completed_at == enrollment.completed_at
    assert certificate.instructors == ["Grace Hopper"]
    assert certificate.competencies == [
        {"framework": "NICE Framework", "code": "PD-WRL-001", "name": "Defensive Cybersecurity"}
    ]
    assert certificate.status == Certificate.Status.VALID
    assert certificate.family_course_id == built.course.pk


def test_the_verification_code_is_long_url_safe_and_unique(make_course, student, other_student, complete_course):
    built = make_course(modules=1, lessons=1)
    first = Certificate.objects.get(enrollment=complete_course(student, built))
    second = Certificate.objects.get(enrollment=complete_course(other_student, built))
    assert first.code != second.code
    for code in (first.code, second.code):
        assert len(code) >= 22  # 128 bits in base64url
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_issuing_again_returns_the_same_certificate(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1)
    enrollment = complete_course(student, built)
    first = Certificate.objects.get(enrollment=enrollment)
    assert services.certificate_issue(enrollment=enrollment) == first
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_an_active_enrollment_gets_no_certificate(make_course, student):
    built = make_course(modules=1, lessons=2)
    enrollment, _ = learning_services.enrollment_create(user=student, course=built.course)
    with pytest.raises(CourseNotCompleted):
        services.certificate_issue(enrollment=enrollment)


def test_later_course_and_profile_edits_do_not_change_the_snapshot(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, title="Incident Response")
    certificate = Certificate.objects.get(enrollment=complete_course(student, built))
    built.course.title = "Incident Response, renamed"
    built.course.estimated_hours = 99
    publish(built.course)
    student.display_name = "Someone Else"
    student.save()
    certificate.refresh_from_db()
    assert certificate.course_title == "Incident Response"
    assert certificate.learner_name != "Someone Else"


def test_a_course_with_a_validity_period_sets_the_expiry(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, certificate_validity_months=24)
    certificate = Certificate.objects.get(enrollment=complete_course(student, built))
    assert certificate.expires_at == certificate.completed_at + relativedelta(months=24)


def test_a_course_without_a_validity_period_issues_certificates_that_never_expire(
    make_course, student, complete_course
):
    built = make_course(modules=1, lessons=1)
    certificate = Certificate.objects.get(enrollment=complete_course(student, built))
    assert certificate.expires_at is None
    assert not certificate.expires_within(10_000)


def test_a_certificate_past_its_expiry_is_expired(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, certificate_validity_months=1)
    certificate = Certificate.objects.get(enrollment=complete_course(student, built))
    assert certificate.status_at(certificate.expires_at - timedelta(seconds=1)) == Certificate.Status.VALID
    assert certificate.status_at(certificate.expires_at) == Certificate.Status.EXPIRED


# --- Revoke -----------------------------------------------------------------------------------


@pytest.fixture
def certificate(make_course, student, complete_course):
    return Certificate.objects.get(enrollment=complete_course(student, make_course(modules=1, lessons=1)))


def test_revoking_records_the_date_reason_and_administrator(certificate, administrator):
    revoked = services.certificate_revoke(certificate=certificate, by=administrator, reason=" Plagiarised labs ")
    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoked_reason == "Plagiarised labs"
    assert revoked.revoked_by == administrator
    assert revoked.revoked_at is not None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_needs_a_reason(certificate, administrator, reason):
    with pytest.raises(RevocationReasonRequired):
        services.certificate_revoke(certificate=certificate, by=administrator, reason=reason)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_revoked_certificate_cannot_be_revoked_again(certificate, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Fraud")
    with pytest.raises(CertificateAlreadyRevoked):
        services.certificate_revoke(certificate=certificate, by=administrator, reason="Again")


# --- Reissue ----------------------------------------------------------------------------------


def test_reissuing_gives_a_new_code_and_revokes_the_old_one_as_reissued(certificate, administrator, student):
    student.display_name = "Ada Lovelace-King"
    student.save()
    new = services.certificate_reissue(certificate=certificate, by=administrator)
    certificate.refresh_from_db()
    assert new.code != certificate.code
    assert new.replaces == certificate
    assert certificate.replaced_by == new
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == "Reissued"
    assert new.status == Certificate.Status.VALID
    assert new.learner_name == "Ada Lovelace-King"
    assert (new.course_title, new.completed_at, new.expires_at) == (
        certificate.course_title,
        certificate.completed_at,
        certificate.expires_at,
    )


def test_reissuing_renders_a_fresh_pdf(certificate, administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(certificate=certificate, by=administrator)
    new.refresh_from_db()
    certificate.refresh_from_db()
    assert new.pdf and new.pdf.name != certificate.pdf.name


def test_an_erased_holders_certificate_is_not_reissued(certificate, administrator, django_capture_on_commit_callbacks):
    """Erasure blanked the name and deleted the PDF; a reissue must not print a new one."""
    from certificates.privacy import certificates_erase

    certificates_erase(certificate.user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CertificateHolderErased):
        services.certificate_reissue(certificate=certificate, by=administrator)
    certificate.refresh_from_db()
    assert not certificate.pdf and certificate.revoked_at is None
    assert not Certificate.objects.filter(replaces=certificate).exists()


def test_a_certificate_is_reissued_only_once(certificate, administrator):
    services.certificate_reissue(certificate=certificate, by=administrator)
    with pytest.raises(CertificateAlreadyReissued):
        services.certificate_reissue(certificate=certificate, by=administrator)


def test_reissuing_a_revoked_certificate_keeps_its_original_reason(certificate, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Name misspelt")
    services.certificate_reissue(certificate=certificate, by=administrator)
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Name misspelt"


# --- Completion withdrawn ----------------------------------------------------------------------


def test_withdrawn_completion_revokes_the_certificate_with_the_reason(
    make_course, student, complete_course, django_capture_on_commit_callbacks
):
    built = make_course(modules=1, lessons=2)
    enrollment = complete_course(student, built)
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.lesson_completion_withdraw(
            enrollment=enrollment, lesson=built.lessons[1], reason="exam invalidated by the proctor"
        )
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == "Completion withdrawn: exam invalidated by the proctor"
    assert certificate.revoked_by is None


def test_completing_again_after_a_withdrawal_issues_a_new_certificate(
    make_course, student, complete_course, django_capture_on_commit_callbacks
):
    built = make_course(modules=1, lessons=2)
    enrollment = complete_course(student, built)
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.lesson_completion_withdraw(enrollment=enrollment, lesson=built.lessons[1], reason="regrade")
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.lesson_complete(user=student, lesson=built.lessons[1])
    certificates = list(Certificate.objects.filter(enrollment=enrollment).history_order())
    assert [c.status for c in certificates] == [Certificate.Status.VALID, Certificate.Status.REVOKED]


def test_a_failed_issue_on_completion_is_retried_by_a_task(make_course, student, complete_course, monkeypatch):
    built = make_course(modules=1, lessons=1)
    calls = []
    real_issue = services.certificate_issue

    def flaky_issue(*, enrollment):
        calls.append(enrollment.pk)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real_issue(enrollment=enrollment)

    monkeypatch.setattr(services, "certificate_issue", flaky_issue)
    enrollment = complete_course(student, built)
    assert calls == [enrollment.pk, enrollment.pk]
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_issuing_never_touches_an_enrollment_of_another_learner(make_course, student, other_student, complete_course):
    built = make_course(modules=1, lessons=1)
    complete_course(student, built)
    learning_services.enrollment_create(user=other_student, course=built.course)
    assert not Certificate.objects.filter(user=other_student).exists()
    assert Enrollment.objects.get(user=other_student).status == Enrollment.Status.ACTIVE
