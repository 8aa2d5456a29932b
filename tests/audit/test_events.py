"""What the audit trail records: each action performed the way users do it, then its row.

Rows never hold an email address or a name: the actor is a pseudonym (`actor_pseudonym`), a
failed login's identifier a keyed hash (`identifier_pseudonym`).
"""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from accounts import roles
from assessments import proctoring
from assessments import services as assessment_services
from audit.middleware import AuditContextMiddleware
from audit.models import AuditEvent
from audit.services import actor_pseudonym, audit_record, identifier_pseudonym
from certificates import services as certificate_services
from learning import services as learning_services
from learning.models import Enrollment
from tests.assessments.builders import build_quiz, choices, place, question, quiz_update
from tests.assessments.grading_helpers import learner, take
from tests.assessments.proctoring_builders import build_exam_course, exam_pass
from tests.certificates.helpers import complete_course
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


def the_event(action, **filters) -> AuditEvent:
    rows = events(action, **filters)
    assert len(rows) == 1, [(row.action, row.details) for row in AuditEvent.objects.order_by("id")]
    return rows[0]


def row_text(event: AuditEvent) -> str:
    return json.dumps(
        {field.name: str(getattr(event, field.name)) for field in AuditEvent._meta.fields}, ensure_ascii=False
    )


def assert_no_personal_data(event: AuditEvent, *users, extra=()):
    text = row_text(event).lower()
    for user in users:
        for value in (user.email, user.display_name, user.first_name, user.last_name):
            if value:
                assert value.lower() not in text, f"{value!r} found in {event.action}"
    for value in extra:
        assert value.lower() not in text


# --- the record itself ---------------------------------------------------------------------------


def test_a_row_holds_the_pseudonymous_actor_roles_target_request_and_details(instructor):
    request = RequestFactory().post(
        "/x/", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 1000, HTTP_X_REQUEST_ID="req-12345678", REMOTE_ADDR="203.0.113.9"
    )
    request.request_id = "req-12345678"
    event = audit_record("test.thing", actor=instructor, target=instructor, request=request, details={"n": 1})
    event.refresh_from_db()
    assert event.actor_ref == actor_pseudonym(instructor) and len(event.actor_ref) == 64
    assert str(instructor.pk) != event.actor_ref
    assert event.actor_role == roles.INSTRUCTOR
    assert (event.target_type, event.target_id) == ("accounts.user", str(instructor.pk))
    assert event.ip == "203.0.113.9"
    assert event.user_agent.startswith("Mozilla/5.0") and len(event.user_agent) == 512
    assert event.request_id == "req-12345678"
    assert event.details == {"n": 1}
    assert event.occurred_at is not None
    assert event.compute_hash() == event.hash  # as read back from PostgreSQL
    assert_no_personal_data(event, instructor)


@pytest.mark.parametrize("address", ["2001:db8:0:0:0:0:0:1", "::ffff:192.0.2.1", "10.0.0.1"])
def test_rows_with_any_address_and_text_hash_the_same_when_read_back(address):
    request = RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT="Bröwser \x00 ünïcode \ud800")
    event = audit_record("test.thing", request=request, details={"t": "é\x00", "nested": [{"b": 2, "a": 1e20}]})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash


def test_the_pseudonym_depends_on_the_key(settings, student):
    settings.AUDIT_PSEUDONYM_KEY = "one-key"
    first = actor_pseudonym(student)
    settings.AUDIT_PSEUDONYM_KEY = "another-key"
    assert actor_pseudonym(student) != first
    settings.AUDIT_PSEUDONYM_KEY = ""
    assert actor_pseudonym(student) not in {first, ""}


def test_details_lose_secret_keys_and_email_addresses():
    event = audit_record(
        "test.thing",
        details={"password": "hunter2-hunter2", "otp_token": "123456", "note": "mail x.y@example.org", "ok": 1.5},
    )
    event.refresh_from_db()
    assert event.details == {"password": "[redacted]", "otp_token": "[redacted]", "note": "mail [email]", "ok": "1.5"}
    assert event.compute_hash() == event.hash


# --- logins --------------------------------------------------------------------------------------


def test_site_login_success_is_recorded_with_the_actor(client, student):
    response = client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert response.status_code == 302
    event = the_event("auth.login.success", actor_ref=actor_pseudonym(student))
    assert event.details == {"via": "site"}
    assert event.ip == "127.0.0.1"
    assert event.request_id
    assert_no_personal_data(event, student)


def test_site_login_failure_is_recorded_with_a_hashed_identifier(client, student):
    response = client.post("/accounts/login/", {"login": student.email, "password": "wrong-password-123"})
    assert response.status_code == 200
    event = the_event("auth.login.failure")
    assert event.actor_ref == ""
    assert event.details == {
        "via": "site",
        "identifier_ref": identifier_pseudonym(student.email),
        "known_account": True,
    }
    assert (event.target_type, event.target_id) == ("accounts.user", str(student.pk))
    assert_no_personal_data(event, student, extra=["wrong-password-123"])


def test_a_failed_login_with_an_unknown_address_stores_only_its_keyed_hash(client):
    client.post("/accounts/login/", {"login": "Nobody.Here@example.org", "password": "whatever-password"})
    event = the_event("auth.login.failure")
    assert event.details["identifier_ref"] == identifier_pseudonym("nobody.here@example.org")
    assert event.details["known_account"] is False
    assert event.target_type == ""
    assert_no_personal_data(event, extra=["nobody.here", "whatever-password"])


def test_wagtail_and_django_admin_logins_are_recorded(client, administrator):
    client.post("/admin/login/", {"username": administrator.email, "password": PASSWORD})
    client.logout()
    client.post("/django-admin/login/", {"username": administrator.email, "password": PASSWORD})
    client.logout()
    client.post("/admin/login/", {"username": administrator.email, "password": "not-the-password"})
    vias = [event.details["via"] for event in events("auth.login.success", actor_ref=actor_pseudonym(administrator))]
    assert vias == ["wagtail", "django-admin"]
    assert the_event("auth.login.failure").details["via"] == "wagtail"


def test_jwt_token_failure_is_recorded(api_client, student):
    response = api_client.post("/api/v1/auth/token/", {"email": student.email, "password": "wrong-password-123"})
    assert response.status_code == 401
    event = the_event("auth.login.failure")
    assert event.details["via"] == "api"
    assert event.details["identifier_ref"] == identifier_pseudonym(student.email)


def test_jwt_token_issue_is_recorded(api_client, student):
    response = api_client.post("/api/v1/auth/token/", {"email": student.email, "password": PASSWORD})
    assert response.status_code == 200
    event = the_event("auth.token.issue")
    assert event.actor_ref == actor_pseudonym(student)
    assert_no_personal_data(event, student, extra=[response.json()["data"]["access"][:40]])


def test_a_lockout_is_recorded(api_client, student):
    for _ in range(6):
        api_client.post("/api/v1/auth/token/", {"email": student.email, "password": "wrong-password-123"})
    event = events("auth.lockout")[0]
    assert event.details["identifier_ref"] == identifier_pseudonym(student.email)
    assert (event.target_type, event.target_id) == ("accounts.user", str(student.pk))
    assert_no_personal_data(event, student)


# --- roles and permissions -------------------------------------------------------------------------


def test_role_changes_in_the_wagtail_admin_name_the_administrator(client, administrator, student):
    client.force_login(administrator)
    instructor_group = Group.objects.get(name=roles.INSTRUCTOR)
    response = client.post(
        f"/admin/users/edit/{student.pk}/",
        {
            "email": student.email,
            "first_name": "Sam",
            "last_name": "Student",
            "display_name": "Sam S.",
            "time_zone": "UTC",
            "is_active": "on",
            "groups": [instructor_group.pk],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302
    added = events("rbac.user.roles.add", target_id=str(student.pk))[-1]
    removed = the_event("rbac.user.roles.remove", target_id=str(student.pk))
    assert added.details == {"changed": [roles.INSTRUCTOR]}
    assert removed.details == {"changed": [roles.STUDENT]}
    assert added.actor_ref == actor_pseudonym(administrator)
    assert roles.ADMINISTRATOR in added.actor_role
    assert_no_personal_data(added, administrator, student)


def test_role_changes_through_the_group_side_and_clear_are_recorded(student, other_student):
    mentor = Group.objects.get(name=roles.MENTOR)
    mentor.user_set.add(student, other_student)
    assert {event.target_id for event in events("rbac.user.roles.add")} >= {str(student.pk), str(other_student.pk)}
    student.groups.clear()
    cleared = the_event("rbac.user.roles.remove", target_id=str(student.pk))
    assert cleared.details == {"changed": sorted([roles.MENTOR, roles.STUDENT])}


def test_permission_changes_on_users_and_groups_are_recorded(student):
    permission = Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    student.user_permissions.add(permission)
    assert the_event("rbac.user.permissions.add").details == {"changed": ["audit.view_auditevent"]}
    group = Group.objects.get(name=roles.MENTOR)
    group.permissions.remove(permission)  # not there: nothing changes, nothing recorded
    group.permissions.add(permission)
    event = the_event("rbac.group.permissions.add")
    assert (event.target_type, event.target_id) == ("auth.group", str(group.pk))


def test_staff_superuser_and_active_flag_changes_name_who_did_it(student, administrator):
    request = RequestFactory().post("/admin/users/")
    request.user = administrator

    def view(request):
        student.is_staff = True
        student.is_active = False
        student.save()
        return None

    AuditContextMiddleware(view)(request)
    event = the_event("rbac.user.flags", target_id=str(student.pk))
    assert event.details == {
        "changed": {"is_active": {"from": True, "to": False}, "is_staff": {"from": False, "to": True}}
    }
    assert event.actor_ref == actor_pseudonym(administrator)


def test_saving_a_user_without_flag_changes_records_nothing(student):
    student.display_name = "Someone Else"
    student.save()
    student.last_login = None
    student.save(update_fields=["last_login"])
    assert not events("rbac.user.flags", target_id=str(student.pk))


def test_a_new_superuser_is_recorded():
    user = UserFactory(is_superuser=True, is_staff=True)
    event = the_event("rbac.user.flags", target_id=str(user.pk))
    assert event.details["changed"]["is_superuser"] == {"from": None, "to": True}


# --- staff enrollment ------------------------------------------------------------------------------


def test_staff_enroll_and_drop_in_the_roster_are_recorded(client, make_course, instructor, student):
    course = make_course(modules=1, lessons=1, instructors=[instructor]).course
    client.force_login(instructor)
    client.post(f"/admin/roster/{course.pk}/enroll/", {"email": student.email})
    enrollment = Enrollment.objects.get(user=student, course=course)
    enrolled = the_event("enrollment.staff.enroll")
    assert (enrolled.target_type, enrolled.target_id) == ("learning.enrollment", str(enrollment.pk))
    assert enrolled.actor_ref == actor_pseudonym(instructor)
    client.post(f"/admin/roster/{course.pk}/drop/{enrollment.pk}/")
    dropped = the_event("enrollment.staff.drop")
    assert dropped.actor_ref == actor_pseudonym(instructor)
    assert dropped.details["course"] == course.pk
    assert_no_personal_data(dropped, instructor, student)


def test_staff_enroll_and_drop_through_the_api_are_recorded(make_course, instructor, student):
    course = make_course(modules=1, lessons=1, instructors=[instructor]).course
    api = session_client(instructor)
    response = api.post(f"/api/v1/courses/{course.pk}/roster/", {"email": student.email}, format="json")
    assert response.status_code == 201, response.content
    enrollment = Enrollment.objects.get(user=student, course=course)
    assert the_event("enrollment.staff.enroll").actor_ref == actor_pseudonym(instructor)
    response = api.post(f"/api/v1/courses/{course.pk}/roster/{enrollment.pk}/drop/")
    assert response.status_code == 200, response.content
    assert the_event("enrollment.staff.drop").target_id == str(enrollment.pk)


def test_a_learner_enrolling_themself_is_not_a_staff_action(make_course, student):
    course = make_course(modules=1, lessons=1).course
    learning_services.enrollment_create(user=student, course=course)
    assert not AuditEvent.objects.filter(action__startswith="enrollment.").exists()


# --- grades ------------------------------------------------------------------------------------


def test_grading_an_essay_is_recorded_with_the_score_change(make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(
        questions=[question("single_choice", block_id="sc"), question("essay", block_id="essay", points=4)],
        pass_mark_percent=70,
    )
    place(built.lessons[1], quiz)
    attempt = take(learner(built.course), quiz, right={"sc": True, "essay": "An answer."})
    assessment_services.attempt_grade_essay(attempt=attempt, question_id="essay", points=3, by=instructor)
    event = the_event("grade.essay")
    assert (event.target_type, event.target_id) == ("assessments.attempt", str(attempt.pk))
    assert event.actor_ref == actor_pseudonym(instructor)
    assert event.details["question"] == "essay"
    assert event.details["points"] == {"from": None, "to": "3"}
    assert event.details["passed"]["to"] is True


def test_a_regrade_is_recorded_per_changed_attempt_and_in_total(make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    raw = [question("single_choice", block_id="q", choices=choices(("A", False), ("B", True)))]
    quiz = build_quiz(questions=raw, pass_mark_percent=70)
    place(built.lessons[1], quiz)
    first_choice = raw[0]["value"]["choices"][0]["id"]
    attempt = take(learner(built.course), quiz, right={"q": first_choice})
    assert not attempt.passed
    fixed = json.loads(json.dumps(raw))
    for item in fixed[0]["value"]["choices"]:
        item["value"]["correct"] = not item["value"]["correct"]
    quiz_update(quiz, questions=fixed)
    assessment_services.quiz_regrade(quiz=quiz, by=instructor)
    changed = the_event("grade.regrade.attempt")
    assert changed.target_id == str(attempt.pk)
    assert changed.details["passed"] == {"from": False, "to": True}
    total = the_event("grade.regrade")
    assert (total.target_type, total.target_id) == ("assessments.quiz", str(quiz.pk))
    assert total.details["changed"] == 1
    assert total.actor_ref == actor_pseudonym(instructor)


# --- proctoring -------------------------------------------------------------------------------------


def test_a_proctor_decision_is_recorded_without_the_note(
    make_course, instructor, student, django_capture_on_commit_callbacks
):
    proctor = UserFactory(roles=[roles.MENTOR])
    built, exam, _ = build_exam_course(make_course, instructor=instructor, proctor=proctor)
    learning_services.enrollment_create(user=student, course=built.course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = exam_pass(student, exam)
    note = f"Saw {student.email} with notes on the desk"
    proctoring.attempt_review(attempt=attempt, by=proctor, decision="invalidate", note=note)
    event = the_event("proctor.review.invalidate")
    assert event.actor_ref == actor_pseudonym(proctor)
    assert event.details == {"previous": "pending", "status": "invalidated", "note": True}
    assert_no_personal_data(event, student, extra=["notes on the desk"])


# --- certificates ------------------------------------------------------------------------------------


def test_certificate_issue_revoke_and_reissue_are_recorded(make_course, instructor, student, administrator):
    built = make_course(modules=1, lessons=1, instructors=[instructor])
    enrollment = complete_course(student, built)
    certificate = certificate_services.certificate_issue(enrollment=enrollment)
    issued = the_event("certificate.issue")
    assert (issued.target_type, issued.target_id) == ("certificates.certificate", str(certificate.pk))
    certificate_services.certificate_revoke(certificate=certificate, by=administrator, reason="Issued in error")
    revoked = the_event("certificate.revoke")
    assert revoked.actor_ref == actor_pseudonym(administrator)
    assert revoked.details["reason"] == "staff"
    assert_no_personal_data(revoked, student, extra=["issued in error"])
    new = certificate_services.certificate_reissue(certificate=certificate, by=administrator)
    reissued = the_event("certificate.reissue")
    assert reissued.target_id == str(new.pk) and reissued.details["replaces"] == certificate.pk
