"""/api/v1/learning-paths/: published paths with the caller's step states; joining a path."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from courses.models import LearningPath, LearningPathStep
from learning import services
from learning.models import Enrollment, PathEnrollment
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/learning-paths/"


def _error(response) -> dict:
    [error] = response.json()["errors"]
    return error


def build_path(*courses, title="SOC Analyst track", slug="soc-track", **fields) -> LearningPath:
    path = LearningPath.objects.create(title=title, slug=slug, summary="Become a SOC analyst.", **fields)
    for order, course in enumerate(courses):
        LearningPathStep.objects.create(path=path, course=course, sort_order=order)
    return path


@pytest.fixture
def track(make_course):
    first = make_course(title="Security Fundamentals", modules=1, lessons=1)
    second = make_course(title="SOC Foundations", modules=1, lessons=1)
    return build_path(first.course, second.course), first, second


def test_anonymous_list_shows_published_paths_without_states(track, api_client):
    path, first, second = track
    build_path(first.course, title="Hidden", slug="hidden", published=False)
    response = api_client.get(URL)
    assert response.status_code == 200
    [item] = response.json()["data"]
    assert (item["id"], item["title"], item["sequential"], item["enrolled"]) == (path.pk, path.title, True, False)
    assert item["url"] == "/paths/soc-track/"
    assert [step["course"]["id"] for step in item["steps"]] == [first.course.pk, second.course.pk]
    assert [step["state"] for step in item["steps"]] == [None, None]
    assert item["percent"] is None


def test_signed_in_list_shows_the_callers_step_states(track, student):
    path, _, _ = track
    services.path_enroll(user=student, path=path)
    [item] = session_client(student).get(URL).json()["data"]
    assert item["enrolled"] is True
    assert item["enrolled_at"] is not None
    assert [step["state"] for step in item["steps"]] == ["enrolled", "locked"]
    assert item["percent"] == 0


def test_completing_the_first_course_unlocks_the_next(track, student, django_capture_on_commit_callbacks):
    path, first, _ = track
    services.path_enroll(user=student, path=path)
    with django_capture_on_commit_callbacks(execute=True):  # course_completed is sent after commit
        services.lesson_complete(user=student, lesson=first.lessons[0])
    data = session_client(student).get(f"{URL}{path.pk}/").json()["data"]
    assert [step["state"] for step in data["steps"]] == ["completed", "enrolled"]
    assert data["percent"] == 50


def test_detail_of_an_unpublished_path_is_404(make_course, api_client):
    built = make_course(modules=1, lessons=1)
    hidden = build_path(built.course, published=False)
    assert api_client.get(f"{URL}{hidden.pk}/").status_code == 404


def test_enroll_joins_the_path_and_its_first_course(track, student):
    path, first, _ = track
    response = session_client(student).post(f"{URL}{path.pk}/enroll/")
    assert response.status_code == 201
    assert response.json()["data"]["enrolled"] is True
    assert PathEnrollment.objects.filter(user=student, path=path).exists()
    enrollment = Enrollment.objects.get(user=student)
    assert (enrollment.course_id, enrollment.source) == (first.course.pk, "path")


def test_enrolling_twice_in_a_path_answers_200(track, student):
    path, _, _ = track
    client = session_client(student)
    client.post(f"{URL}{path.pk}/enroll/")
    response = client.post(f"{URL}{path.pk}/enroll/")
    assert response.status_code == 200
    assert PathEnrollment.objects.count() == 1
    assert Enrollment.objects.count() == 1


def test_enroll_in_a_path_whose_first_course_is_full_is_course_full_and_joins_nothing(
    make_course, student, other_student
):
    full = make_course(modules=1, lessons=1, capacity=1)
    services.enrollment_create(user=other_student, course=full.course)
    path = build_path(full.course)
    response = session_client(student).post(f"{URL}{path.pk}/enroll/")
    assert response.status_code == 409
    assert _error(response)["code"] == "course_full"
    assert not PathEnrollment.objects.filter(user=student).exists()


def test_enroll_in_an_unpublished_path_is_404(make_course, student):
    built = make_course(modules=1, lessons=1)
    hidden = build_path(built.course, published=False)
    assert session_client(student).post(f"{URL}{hidden.pk}/enroll/").status_code == 404
    assert not PathEnrollment.objects.exists()


def test_enroll_in_a_path_needs_a_signed_in_user(track, api_client):
    path, _, _ = track
    assert api_client.post(f"{URL}{path.pk}/enroll/").status_code == 401


def test_enroll_in_a_path_works_with_a_jwt(track, student):
    path, _, _ = track
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}")
    assert client.post(f"{URL}{path.pk}/enroll/").status_code == 201


@pytest.mark.parametrize("path_count", [1, 8])
def test_list_query_budget_does_not_grow_with_paths(make_course, student, django_assert_max_num_queries, path_count):
    courses = [make_course(modules=1, lessons=1).course for _ in range(3)]
    for number in range(path_count):
        path = build_path(*courses, title=f"Track {number}", slug=f"track-{number}")
        services.path_enroll(user=student, path=path)
    client = session_client(student)
    client.get(URL)  # warm the site root paths (cache)
    # user, count, paths, steps with courses, the caller's enrollments, path enrollments.
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.json()["data"]) == path_count
