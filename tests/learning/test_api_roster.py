"""/api/v1/courses/<id>/roster/: instructors of the course and administrators only (404 for anyone else)."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from learning import services
from learning.models import Enrollment
from tests.factories import UserFactory
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    [error] = response.json()["errors"]
    return error


def roster_url(course) -> str:
    return f"/api/v1/courses/{course.pk}/roster/"


@pytest.fixture
def taught(make_course, instructor):
    return make_course(modules=1, lessons=4, instructors=[instructor])


def test_instructor_sees_learners_with_progress_and_status(taught, instructor, student, other_student):
    enrollment, _ = services.enrollment_create(user=student, course=taught.course)
    services.lesson_complete(user=student, lesson=taught.lessons[0])
    dropped, _ = services.enrollment_create(user=other_student, course=taught.course)
    services.enrollment_drop(enrollment=dropped)
    response = session_client(instructor).get(roster_url(taught.course))
    assert response.status_code == 200
    rows = {row["learner"]["email"]: row for row in response.json()["data"]}
    row = rows[student.email]
    assert row["id"] == enrollment.pk
    assert row["learner"] == {"id": student.pk, "email": student.email, "display_name": student.get_display_name()}
    assert (row["status"], row["source"]) == ("active", "self")
    assert row["progress"] == {"completed_lessons": 1, "lesson_count": 4, "percent": 25}
    assert row["last_activity_at"] is not None
    assert rows[other_student.email]["status"] == "dropped"
    assert response.json()["meta"]["pagination"]["count"] == 2


def test_roster_filters_by_status_and_search(taught, instructor, student, other_student):
    services.enrollment_create(user=student, course=taught.course)
    dropped, _ = services.enrollment_create(user=other_student, course=taught.course)
    services.enrollment_drop(enrollment=dropped)
    client = session_client(instructor)
    by_status = client.get(roster_url(taught.course), {"status": "dropped"}).json()["data"]
    assert [row["learner"]["id"] for row in by_status] == [other_student.pk]
    by_email = client.get(roster_url(taught.course), {"q": student.email.split("@")[0]}).json()["data"]
    assert [row["learner"]["id"] for row in by_email] == [student.pk]


def test_roster_rejects_an_unknown_status(taught, instructor):
    response = session_client(instructor).get(roster_url(taught.course), {"status": "paused"})
    assert response.status_code == 400
    assert _error(response)["field"] == "status"


def test_administrator_sees_any_roster(taught, administrator, student):
    services.enrollment_create(user=student, course=taught.course)
    response = session_client(administrator).get(roster_url(taught.course))
    assert response.status_code == 200
    assert len(response.json()["data"]) == 1


@pytest.mark.parametrize("who", ["other_instructor", "student"])
def test_roster_of_a_course_the_caller_does_not_teach_is_404(taught, student, request, who):
    services.enrollment_create(user=student, course=taught.course)
    response = session_client(request.getfixturevalue(who)).get(roster_url(taught.course))
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_roster_of_an_unknown_course_is_404(catalog, administrator):
    assert session_client(administrator).get("/api/v1/courses/999999/roster/").status_code == 404


def test_roster_needs_a_signed_in_user(taught, api_client):
    assert api_client.get(roster_url(taught.course)).status_code == 401


def test_roster_works_with_a_jwt(taught, instructor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(instructor)}")
    assert client.get(roster_url(taught.course)).status_code == 200


# --- staff enrollment --------------------------------------------------------------------------


def test_instructor_enrolls_a_learner_by_email(taught, instructor, student):
    response = session_client(instructor).post(roster_url(taught.course), {"email": student.email.upper()})
    assert response.status_code == 201
    assert response.json()["data"]["learner"]["id"] == student.pk
    enrollment = Enrollment.objects.get(user=student)
    assert (enrollment.course_id, enrollment.source, enrollment.status) == (taught.course.pk, "staff", "active")


def test_staff_enrollment_skips_prerequisites(make_course, instructor, student):
    basics = make_course(title="Basics", modules=1, lessons=1)
    advanced = make_course(title="Advanced", modules=1, lessons=1, instructors=[instructor])
    advanced.course.prerequisites.set([basics.course])
    advanced.course.save()
    response = session_client(instructor).post(roster_url(advanced.course), {"email": student.email})
    assert response.status_code == 201


def test_staff_enrolling_an_enrolled_learner_answers_200(taught, instructor, student):
    services.enrollment_create(user=student, course=taught.course)
    response = session_client(instructor).post(roster_url(taught.course), {"email": student.email})
    assert response.status_code == 200
    assert Enrollment.objects.get(user=student).source == "self"


def test_staff_enrollment_into_a_full_course_is_course_full(make_course, instructor, student, other_student):
    built = make_course(modules=1, lessons=1, capacity=1, instructors=[instructor])
    services.enrollment_create(user=other_student, course=built.course)
    response = session_client(instructor).post(roster_url(built.course), {"email": student.email})
    assert response.status_code == 409
    assert _error(response)["code"] == "course_full"


def test_staff_enrollment_of_an_unknown_email_is_400_naming_the_field(taught, instructor):
    response = session_client(instructor).post(roster_url(taught.course), {"email": "nobody@example.org"})
    assert response.status_code == 400
    assert (_error(response)["field"], _error(response)["code"]) == ("email", "does_not_exist")


def test_instructor_of_another_course_cannot_enroll_anyone(taught, other_instructor, student):
    response = session_client(other_instructor).post(roster_url(taught.course), {"email": student.email})
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


# --- staff drop --------------------------------------------------------------------------------


def test_instructor_drops_a_learner(taught, instructor, student):
    enrollment, _ = services.enrollment_create(user=student, course=taught.course)
    response = session_client(instructor).post(f"{roster_url(taught.course)}{enrollment.pk}/drop/")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "dropped"
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.DROPPED


def test_dropping_a_dropped_learner_is_not_enrolled(taught, instructor, student):
    enrollment, _ = services.enrollment_create(user=student, course=taught.course)
    services.enrollment_drop(enrollment=enrollment)
    response = session_client(instructor).post(f"{roster_url(taught.course)}{enrollment.pk}/drop/")
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"


def test_instructor_of_another_course_cannot_drop_and_the_enrollment_stays(taught, other_instructor, student):
    enrollment, _ = services.enrollment_create(user=student, course=taught.course)
    response = session_client(other_instructor).post(f"{roster_url(taught.course)}{enrollment.pk}/drop/")
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_drop_through_a_course_the_enrollment_is_not_in_is_404(make_course, taught, instructor, student):
    elsewhere = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=elsewhere.course)
    response = session_client(instructor).post(f"{roster_url(taught.course)}{enrollment.pk}/drop/")
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


# --- query budget ------------------------------------------------------------------------------


@pytest.mark.parametrize("learner_count", [2, 25])
def test_roster_query_budget_does_not_grow_with_learners(
    taught, instructor, django_assert_max_num_queries, learner_count
):
    for _ in range(learner_count):
        learner = UserFactory()
        services.enrollment_create(user=learner, course=taught.course)
        services.lesson_complete(user=learner, lesson=taught.lessons[0])
    client = session_client(instructor)
    client.get(roster_url(taught.course))  # warm the course outline (cache)
    # user, course, the caller's groups (administrator?), teaches, count, rows joined with learners.
    with django_assert_max_num_queries(6):
        response = client.get(roster_url(taught.course), {"page_size": 50})
    assert len(response.json()["data"]) == learner_count
