"""/api/v1/enrollments/: enroll (idempotent), list own, detail, drop; errors with their codes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from learning import services
from learning.models import Enrollment
from tests.factories import UserFactory
from tests.learning.clients import jwt_client, session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/enrollments/"


def _error(response) -> dict:
    body = response.json()
    assert body["status"] == "error"
    [error] = body["errors"]
    return error


# --- enroll ------------------------------------------------------------------------------------


def test_enroll_answers_201_with_the_new_enrollment(make_course, student):
    built = make_course(modules=1, lessons=2)
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 201
    data = response.json()["data"]
    enrollment = Enrollment.objects.get(user=student)
    assert data["id"] == enrollment.pk
    assert data["course"] == {"id": built.course.pk, "title": built.course.title, "url": built.course.url}
    assert (data["status"], data["source"]) == ("active", "self")
    assert data["completed_at"] is None
    assert data["progress"] == {"completed_lessons": 0, "lesson_count": 2, "percent": 0}
    assert data["continue_url"] == built.lessons[0].url


def test_enrolling_twice_answers_200_with_the_same_enrollment(make_course, student):
    built = make_course(modules=1, lessons=1)
    client = session_client(student)
    first = client.post(URL, {"course": built.course.pk}, format="json")
    second = client.post(URL, {"course": built.course.pk}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert Enrollment.objects.filter(user=student).count() == 1


def test_enroll_ignores_user_status_and_source_in_the_body(make_course, student, other_student):
    built = make_course(modules=1, lessons=1)
    body = {"course": built.course.pk, "user": other_student.pk, "status": "completed", "source": "staff"}
    response = session_client(student).post(URL, body, format="json")
    assert response.status_code == 201
    enrollment = Enrollment.objects.get()
    assert (enrollment.user, enrollment.status, enrollment.source) == (student, "active", "self")
    assert not Enrollment.objects.filter(user=other_student).exists()


def test_enroll_after_dropping_reactivates_the_enrollment(make_course, student):
    built = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.enrollment_drop(enrollment=enrollment)
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["id"] == enrollment.pk
    assert response.json()["data"]["status"] == "active"


def test_full_course_is_course_full_409(make_course, student, other_student):
    built = make_course(modules=1, lessons=1, capacity=1)
    services.enrollment_create(user=other_student, course=built.course)
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "course_full"
    assert not Enrollment.objects.filter(user=student).exists()


def test_missing_prerequisites_are_409_naming_them(make_course, student):
    basics = make_course(title="Linux Basics", modules=1, lessons=1)
    soc = make_course(title="SOC Work", modules=1, lessons=1)
    soc.course.prerequisites.set([basics.course])
    soc.course.save()
    response = session_client(student).post(URL, {"course": soc.course.pk}, format="json")
    assert response.status_code == 409
    error = _error(response)
    assert error["code"] == "prerequisites_missing"
    assert "Linux Basics" in error["message"]
    assert error["field"] is None


@pytest.mark.parametrize(
    "fields",
    [
        {"enrollment_closes_at": timezone.now() - timedelta(days=1)},
        {"enrollment_opens_at": timezone.now() + timedelta(days=1)},
        {"archived": True},
    ],
    ids=["closed", "not-open-yet", "archived"],
)
def test_closed_enrollment_is_enrollment_closed_409(make_course, student, fields):
    built = make_course(modules=1, lessons=1, **fields)
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "enrollment_closed"


def test_paid_course_is_payment_required_402(make_course, student):
    built = make_course(modules=1, lessons=1, price="149.00")
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 402
    assert _error(response)["code"] == "payment_required"


def test_unknown_course_is_400_naming_the_field(catalog, student):
    response = session_client(student).post(URL, {"course": 999999}, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert (error["code"], error["field"]) == ("does_not_exist", "course")


def test_unpublished_course_is_400_naming_the_field(make_course, student):
    built = make_course(modules=1, lessons=1)
    built.course.unpublish()
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 400
    assert _error(response)["field"] == "course"


def test_missing_course_is_400_required(catalog, student):
    response = session_client(student).post(URL, {}, format="json")
    assert response.status_code == 400
    assert (_error(response)["code"], _error(response)["field"]) == ("required", "course")


def test_enroll_needs_a_signed_in_user(make_course, api_client):
    built = make_course(modules=1, lessons=1)
    response = api_client.post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 401
    assert not Enrollment.objects.exists()


def test_session_enroll_needs_the_csrf_token(make_course, student):
    built = make_course(modules=1, lessons=1)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_jwt_client_enrolls_and_lists(make_course, student):
    built = make_course(modules=1, lessons=1)
    client = jwt_client(student)
    assert client.post(URL, {"course": built.course.pk}, format="json").status_code == 201
    assert [item["course"]["id"] for item in client.get(URL).json()["data"]] == [built.course.pk]


# --- list and detail ---------------------------------------------------------------------------


def test_list_shows_only_the_callers_enrollments(make_course, student, other_student):
    mine = make_course(modules=1, lessons=1)
    theirs = make_course(modules=1, lessons=1)
    services.enrollment_create(user=student, course=mine.course)
    services.enrollment_create(user=other_student, course=theirs.course)
    body = session_client(student).get(URL).json()
    assert [item["course"]["id"] for item in body["data"]] == [mine.course.pk]
    assert body["meta"]["pagination"]["count"] == 1


def test_list_filters_by_status(make_course, student):
    kept = make_course(modules=1, lessons=1)
    dropped = make_course(modules=1, lessons=1)
    services.enrollment_create(user=student, course=kept.course)
    enrollment, _ = services.enrollment_create(user=student, course=dropped.course)
    services.enrollment_drop(enrollment=enrollment)
    client = session_client(student)
    assert [item["course"]["id"] for item in client.get(URL, {"status": "dropped"}).json()["data"]] == [
        dropped.course.pk
    ]
    assert [item["course"]["id"] for item in client.get(URL, {"status": "active"}).json()["data"]] == [kept.course.pk]
    assert len(client.get(URL).json()["data"]) == 2


def test_unknown_status_filter_is_400_naming_the_field(catalog, student):
    response = session_client(student).get(URL, {"status": "paused"})
    assert response.status_code == 400
    assert (_error(response)["code"], _error(response)["field"]) == ("invalid_choice", "status")


def test_list_shows_progress_and_where_to_continue(make_course, student):
    built = make_course(modules=2, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    [item] = session_client(student).get(URL).json()["data"]
    assert item["progress"] == {"completed_lessons": 1, "lesson_count": 4, "percent": 25}
    assert item["continue_url"] == built.lessons[0].url


def test_completed_enrollment_lists_with_its_completion_time(make_course, student):
    built = make_course(modules=1, lessons=1)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    [item] = session_client(student).get(URL, {"status": "completed"}).json()["data"]
    assert item["progress"]["percent"] == 100
    assert item["completed_at"] is not None


def test_detail_shows_the_callers_enrollment(make_course, student):
    built = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    response = session_client(student).get(f"{URL}{enrollment.pk}/")
    assert response.status_code == 200
    assert response.json()["data"]["id"] == enrollment.pk


def test_another_users_enrollment_is_404(make_course, student, other_student):
    built = make_course(modules=1, lessons=1)
    theirs, _ = services.enrollment_create(user=other_student, course=built.course)
    response = session_client(student).get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


# --- drop --------------------------------------------------------------------------------------


def test_drop_keeps_the_enrollment_as_dropped(make_course, student):
    built = make_course(modules=1, lessons=2)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    response = session_client(student).post(f"{URL}{enrollment.pk}/drop/")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "dropped"
    assert data["dropped_at"] is not None
    assert data["progress"]["completed_lessons"] == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.DROPPED


def test_dropping_an_enrollment_that_is_not_active_is_not_enrolled(make_course, student):
    built = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    client = session_client(student)
    client.post(f"{URL}{enrollment.pk}/drop/")
    response = client.post(f"{URL}{enrollment.pk}/drop/")
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"


def test_dropping_another_users_enrollment_is_404_and_leaves_it_active(make_course, student, other_student):
    built = make_course(modules=1, lessons=1)
    theirs, _ = services.enrollment_create(user=other_student, course=built.course)
    response = session_client(student).post(f"{URL}{theirs.pk}/drop/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrollment.Status.ACTIVE


def test_delete_is_not_a_drop(make_course, student):
    built = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    response = session_client(student).delete(f"{URL}{enrollment.pk}/")
    assert response.status_code == 405
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_dropping_gives_the_seat_to_the_waitlist(make_course, student, other_student):
    built = make_course(modules=1, lessons=1, capacity=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.waitlist_join(user=other_student, course=built.course)
    session_client(student).post(f"{URL}{enrollment.pk}/drop/")
    promoted = Enrollment.objects.get(user=other_student)
    assert (promoted.status, promoted.source) == ("active", "waitlist")


# --- query budget ------------------------------------------------------------------------------


@pytest.mark.parametrize("enrollment_count", [2, 25])
def test_list_query_budget_does_not_grow_with_enrollments(make_course, django_assert_max_num_queries, enrollment_count):
    learner = UserFactory()
    for _ in range(enrollment_count):
        built = make_course(modules=1, lessons=2)
        services.enrollment_create(user=learner, course=built.course)
        services.lesson_complete(user=learner, lesson=built.lessons[0])
    client = session_client(learner)
    client.get(URL, {"page_size": 50})  # warm the course outlines and site root paths (cache)
    # user, count, enrollments joined with course and last lesson.
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"page_size": 50})
    assert len(response.json()["data"]) == enrollment_count
