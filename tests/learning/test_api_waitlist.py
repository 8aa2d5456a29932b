"""/api/v1/waitlist/: join a full course's waitlist with a position, leave it; errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learning import services
from learning.models import Enrollment, WaitlistEntry
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/waitlist/"


def _error(response) -> dict:
    [error] = response.json()["errors"]
    return error


@pytest.fixture
def full_course(make_course, other_student):
    built = make_course(modules=1, lessons=1, capacity=1)
    services.enrollment_create(user=other_student, course=built.course)
    return built


def test_join_answers_201_with_the_position(full_course, student):
    response = session_client(student).post(URL, {"course": full_course.course.pk}, format="json")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["course"]["id"] == full_course.course.pk
    assert data["position"] == 1
    assert data["created_at"]
    assert WaitlistEntry.objects.filter(user=student, course=full_course.course).exists()


def test_positions_follow_the_order_of_joining(full_course, student, administrator):
    services.waitlist_join(user=administrator, course=full_course.course)
    response = session_client(student).post(URL, {"course": full_course.course.pk}, format="json")
    assert response.json()["data"]["position"] == 2


def test_joining_twice_keeps_the_place_and_answers_200(full_course, student):
    client = session_client(student)
    first = client.post(URL, {"course": full_course.course.pk}, format="json")
    second = client.post(URL, {"course": full_course.course.pk}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["data"] == second.json()["data"]
    assert WaitlistEntry.objects.count() == 1


def test_join_ignores_another_user_in_the_body(full_course, student, administrator):
    session_client(student).post(URL, {"course": full_course.course.pk, "user": administrator.pk}, format="json")
    assert list(WaitlistEntry.objects.values_list("user", flat=True)) == [student.pk]


def test_join_when_seats_are_free_is_seats_available(make_course, student):
    built = make_course(modules=1, lessons=1, capacity=5)
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 400
    assert _error(response)["code"] == "seats_available"
    assert not WaitlistEntry.objects.exists()


def test_join_when_enrolled_is_already_enrolled(full_course, other_student):
    response = session_client(other_student).post(URL, {"course": full_course.course.pk}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "already_enrolled"


def test_join_when_enrollment_is_closed_is_enrollment_closed(make_course, student, other_student):
    built = make_course(modules=1, lessons=1, capacity=1)
    services.enrollment_create(user=other_student, course=built.course)
    built.course.enrollment_closes_at = timezone.now() - timedelta(minutes=1)
    built.course.save()
    response = session_client(student).post(URL, {"course": built.course.pk}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "enrollment_closed"


def test_join_an_unknown_course_is_400_naming_the_field(catalog, student):
    response = session_client(student).post(URL, {"course": 999999}, format="json")
    assert response.status_code == 400
    assert _error(response)["field"] == "course"


def test_leave_removes_the_entry(full_course, student):
    services.waitlist_join(user=student, course=full_course.course)
    response = session_client(student).delete(f"{URL}{full_course.course.pk}/")
    assert response.status_code == 204
    assert not WaitlistEntry.objects.exists()


def test_leave_when_not_waiting_is_404_and_leaves_others_waiting(full_course, student, administrator):
    services.waitlist_join(user=administrator, course=full_course.course)
    response = session_client(student).delete(f"{URL}{full_course.course.pk}/")
    assert response.status_code == 404
    assert WaitlistEntry.objects.filter(user=administrator).exists()


def test_leave_an_unknown_course_is_404(catalog, student):
    assert session_client(student).delete(f"{URL}999999/").status_code == 404


def test_waiting_learner_is_enrolled_when_a_seat_frees_up(full_course, student, other_student):
    session_client(student).post(URL, {"course": full_course.course.pk}, format="json")
    seat = Enrollment.objects.get(user=other_student)
    session_client(other_student).post(f"/api/v1/enrollments/{seat.pk}/drop/")
    enrollment = Enrollment.objects.get(user=student)
    assert (enrollment.status, enrollment.source) == ("active", "waitlist")
    assert not WaitlistEntry.objects.exists()


def test_waitlist_needs_a_signed_in_user(full_course, api_client):
    assert api_client.post(URL, {"course": full_course.course.pk}, format="json").status_code == 401
