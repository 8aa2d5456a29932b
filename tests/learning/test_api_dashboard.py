"""/api/v1/dashboard/: what the dashboard page shows, for the caller only, in constant queries."""

from datetime import date

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from courses.models import LearningPath, LearningPathStep
from learning import services
from tests.factories import CompetencyFactory, UserFactory
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/"


def test_dashboard_shows_active_completed_paths_competencies_and_deadlines(make_course, student, other_student):
    analyst = CompetencyFactory(framework="NICE Framework", code="PR-CDA-001", name="Cyber Defense Analyst")
    done = make_course(title="Done", modules=1, lessons=1, competencies=[analyst])
    doing = make_course(title="Doing", modules=1, lessons=2, complete_by=date(2030, 1, 31))
    path = LearningPath.objects.create(title="Track", slug="track", summary="A track.")
    LearningPathStep.objects.create(path=path, course=done.course, sort_order=0)
    services.enrollment_create(user=student, course=done.course)
    services.lesson_complete(user=student, lesson=done.lessons[0])
    services.enrollment_create(user=student, course=doing.course)
    services.lesson_complete(user=student, lesson=doing.lessons[0])
    services.path_enroll(user=student, path=path)
    services.enrollment_create(user=other_student, course=doing.course)  # not the caller's: never shown

    response = session_client(student).get(URL)
    assert response.status_code == 200
    data = response.json()["data"]
    [active] = data["active"]
    assert (active["course"]["title"], active["progress"]["percent"]) == ("Doing", 50)
    assert active["continue_url"] == doing.lessons[0].url
    assert [item["course"]["title"] for item in data["completed"]] == ["Done"]
    [path_item] = data["paths"]
    assert (path_item["id"], path_item["percent"], path_item["steps"][0]["state"]) == (path.pk, 100, "completed")
    [group] = data["competencies"]
    assert group["framework"] == "NICE Framework"
    assert [(c["code"], c["course"]["id"]) for c in group["competencies"]] == [("PR-CDA-001", done.course.pk)]
    [deadline] = data["deadlines"]
    assert (deadline["course"]["id"], deadline["complete_by"], deadline["percent"]) == (
        doing.course.pk,
        "2030-01-31",
        50,
    )


def test_dashboard_of_a_new_learner_is_empty(catalog, student):
    data = session_client(student).get(URL).json()["data"]
    assert data == {"active": [], "completed": [], "paths": [], "competencies": [], "deadlines": []}


def test_dashboard_needs_a_signed_in_user(api_client, db):
    assert api_client.get(URL).status_code == 401


def test_dashboard_works_with_a_jwt(catalog, student):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}")
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("course_count", [2, 12])
def test_dashboard_query_budget_does_not_grow_with_enrollments(
    make_course, django_assert_max_num_queries, course_count
):
    learner = UserFactory()
    competency = CompetencyFactory()
    courses = []
    for number in range(course_count):
        built = make_course(modules=1, lessons=2, competencies=[competency] if number % 2 else [])
        courses.append(built.course)
        services.enrollment_create(user=learner, course=built.course)
        services.lesson_complete(user=learner, lesson=built.lessons[0])
        if number % 2:
            services.lesson_complete(user=learner, lesson=built.lessons[1])
    path = LearningPath.objects.create(title="Track", slug="track", summary="A track.", sequential=False)
    for order, course in enumerate(courses):
        LearningPathStep.objects.create(path=path, course=course, sort_order=order)
    services.path_enroll(user=learner, path=path)
    client = session_client(learner)
    client.get(URL)  # warm the course outlines and site root paths (cache)
    # user, enrollments with course and last lesson, path enrollments, their steps with courses, competencies.
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    data = response.json()["data"]
    assert len(data["active"]) + len(data["completed"]) == course_count
