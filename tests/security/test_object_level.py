"""Family A, object level: another user's object answers 404 (403 only where the matrix says a
staff-scoped admin view refuses that way) and nothing changes.

For every matrix entry that declares an `owner`, each unsafe method is sent as the other learner
and as every role the matrix refuses there. The owner's row (and every row of the tables that
hang off it) is compared before and after, on top of the per-request "refused requests write to
no table" check of test_matrix.py.

Mass assignment: fields a client must never set (`is_staff`, `is_superuser`, `score`, `user`,
`course`, `paid`, `status`, `passed`, …) sent to the endpoints that accept input are ignored or
refused, and the database says so.
"""

import json

import pytest
from django.forms.models import model_to_dict

from accounts.models import User
from assessments.models import Attempt
from learning.models import Enrollment, LessonProgress
from tests.security.matrix import UNSAFE_METHODS, build_paths, load_matrix, satisfies
from tests.security.requests import send


def _owned_cases():
    _, entries = load_matrix()
    cases = []
    for entry in entries:
        if entry.owner is None:
            continue
        for method in entry.methods:
            cases.append(pytest.param(entry, method, id=f"{method} {entry.pattern}"))
    return cases


def _snapshot(world):
    """Every learner-owned object of the world, as stored (model_to_dict of a fresh read)."""
    rows = {}
    for name in ("student_enrollment", "other_student_enrollment", "student_attempt", "other_student_attempt"):
        obj = world.objects[name]
        rows[name] = model_to_dict(type(obj).objects.get(pk=obj.pk))
    for name in ("exam_attempt", "certificate", "other_certificate"):
        obj = world.objects[name]
        rows[name] = model_to_dict(type(obj).objects.get(pk=obj.pk))
    rows["progress"] = sorted(LessonProgress.objects.values_list("enrollment_id", "lesson_id", "completed_at"))
    return rows


@pytest.mark.parametrize(("entry", "method"), _owned_cases())
def test_another_users_object_is_hidden_and_unchanged(entry, method, world, client_for):
    intruders = [
        role
        for role in ("other_student", "instructor", "other_instructor", "mentor", "administrator", "corporate")
        if role != entry.owner and entry.outcome_for(role) in ("hidden", "deny", "login", "refused")
    ]
    assert "other_student" in intruders, f"{entry.id}: the other learner must not reach {entry.owner}'s object"
    pattern = entry.pattern
    path = build_paths(entry, pattern, world)[0]
    problems = []
    for role in intruders:
        before = _snapshot(world)
        sent = send(client_for(role), role, method, path, data=entry.data, api=pattern.startswith("api/"))
        expected = entry.outcome_for(role)
        if not satisfies(sent.outcome, expected):
            problems.append(f"{sent.describe()}: expected {expected}")
        if role in ("other_student", "corporate") and sent.outcome not in ("hidden", "login"):
            problems.append(f"{sent.describe()}: another learner's object must answer 404")
        if method in UNSAFE_METHODS and _snapshot(world) != before:
            problems.append(f"{sent.describe()}: the owner's data changed")
    assert not problems, "\n".join(problems)


def test_the_snapshot_sees_a_change(world, client_for):
    """The comparison above is not blind: the owner's own drop changes the snapshot."""
    before = _snapshot(world)
    path = f"/api/v1/enrollments/{world.ids['student_enrollment']}/drop/"
    client = client_for("student")
    response = client.post(path, data="{}", content_type="application/json")
    assert response.status_code == 200
    assert _snapshot(world) != before


# --- mass assignment ---------------------------------------------------------------------------

FORBIDDEN = {
    "is_staff": True,
    "is_superuser": True,
    "is_active": True,
    "groups": [1, 2, 3, 4, 5],
    "score": "100.00",
    "percent": "100.00",
    "max_score": "1.00",
    "passed": True,
    "paid": True,
    "status": "completed",
    "review_status": "approved",
    "completed_at": "2020-01-01T00:00:00Z",
    "run": 7,
    "number": 9,
}


def _post_json(client, path, payload, method="post"):
    return getattr(client, method)(path, data=json.dumps(payload), content_type="application/json")


def test_enroll_ignores_user_status_and_payment(world, client_for):
    from tests.builders import build_course

    course = build_course(world.objects["catalog"], modules=1, lessons=1, title="Fresh course").course
    other = world.users["other_student"]
    payload = {**FORBIDDEN, "course": course.pk, "user": other.pk}
    response = _post_json(client_for("student"), "/api/v1/enrollments/", payload)
    assert response.status_code == 201, response.content
    enrollment = Enrollment.objects.get(course=course, user=world.users["student"])
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.completed_at is None
    assert enrollment.run == 1
    assert not Enrollment.objects.filter(course=course, user=other).exists()


def test_attempt_save_and_submit_ignore_score_status_and_owner(world, client_for):
    attempt = world.objects["student_attempt"]
    client = client_for("student")
    payload = {**FORBIDDEN, "answers": {}, "user": world.users["other_student"].pk, "quiz": world.ids["exam"]}
    response = _post_json(client, f"/api/v1/attempts/{attempt.pk}/", payload, method="put")
    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.score is None and attempt.passed is None
    assert attempt.user == world.users["student"] and attempt.quiz_id == world.ids["quiz"]

    response = _post_json(client, f"/api/v1/attempts/{attempt.pk}/submit/", payload)
    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == 0 and attempt.passed is False, "the score comes from grading, not from the client"
    assert attempt.review_status == Attempt.ReviewStatus.NOT_PROCTORED


def test_site_attempt_save_ignores_score_fields(world, client_for):
    attempt = world.objects["student_attempt"]
    response = client_for("student").post(f"/attempts/{attempt.pk}/save/", data=FORBIDDEN)
    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (Attempt.Status.IN_PROGRESS, None, None)


def test_progress_complete_records_only_for_the_caller(world, client_for):
    lesson = world.objects["lesson"]
    other = world.users["other_student"]
    payload = {**FORBIDDEN, "lesson": lesson.pk, "user": other.pk, "enrollment": world.ids["other_student_enrollment"]}
    response = _post_json(client_for("student"), "/api/v1/progress/complete/", payload)
    assert response.status_code in (200, 201), response.content
    assert LessonProgress.objects.filter(enrollment__user=world.users["student"], lesson=lesson).exists()
    assert not LessonProgress.objects.filter(enrollment__user=other, lesson=lesson).exists()


def test_lab_flag_cannot_claim_points(world, client_for):
    from assessments.models import LabCompletion, LabSubmission

    payload = {
        **FORBIDDEN,
        "flag": "FLAG{wrong}",
        "correct": True,
        "points": 1000,
        "user": world.users["other_student"].pk,
    }
    response = _post_json(client_for("student"), f"/api/v1/labs/{world.ids['lab']}/flags/", payload)
    assert response.status_code == 200, response.content
    submission = LabSubmission.objects.get(user=world.users["student"])
    assert not submission.correct and submission.flag is None
    assert not LabCompletion.objects.exists()


def test_me_cannot_be_promoted(world, client_for):
    """/api/v1/me/ is read-only (405 on writes); a profile endpoint, when present, ignores privileges."""
    client = client_for("student")
    for method in ("put", "patch", "post"):
        response = _post_json(client, "/api/v1/me/", FORBIDDEN, method=method)
        assert response.status_code == 405, (method, response.status_code)
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/me/profile/")
    except Resolver404:
        return
    _post_json(client, "/api/v1/me/profile/", FORBIDDEN, method="patch")
    user = User.objects.get(pk=world.users["student"].pk)
    assert not user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Student"]
