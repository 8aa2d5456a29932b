"""Query budgets of the learner's pages, each at two data sizes so the count cannot grow with them.

Warm cache (a second request), as in tests/courses/test_query_budgets.py. What the learner's
state adds to a page: the enrollment and the progress rows (two); on a lesson page the access
hook's enrollment lookup doubles as the first and the visit is one UPDATE.
"""

import pytest

from courses.models import LearningPath, LearningPathStep
from learning import services
from tests.builders import publish
from tests.factories import CompetencyFactory

pytestmark = pytest.mark.django_db

COURSE_PAGE_BUDGET = 9
LESSON_PAGE_BUDGET = 9
DASHBOARD_BUDGET = 7  # + 1: the Certificates section (certificates.templatetags.certificate_tags)
PATH_PAGE_BUDGET = 6


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
def test_course_page_with_progress_budget(
    client, make_course, student, django_assert_max_num_queries, modules, lessons
):
    built = make_course(modules=modules, lessons=lessons, competencies=[CompetencyFactory()])
    services.enrollment_create(user=student, course=built.course)
    for lesson in built.lessons[: len(built.lessons) // 2]:
        services.lesson_complete(user=student, lesson=lesson)
    client.force_login(student)
    client.get(built.course.url)
    with django_assert_max_num_queries(COURSE_PAGE_BUDGET):
        response = client.get(built.course.url)
    assert response.content.decode().count('data-testid="lesson-complete"') == len(built.lessons) // 2


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
def test_course_page_of_a_full_course_budget(
    client, make_course, student, other_student, django_assert_max_num_queries, modules, lessons
):
    """The most a not-enrolled learner costs: enrollment, seats and waitlist place."""
    built = make_course(modules=modules, lessons=lessons, capacity=1)
    services.enrollment_create(user=other_student, course=built.course)
    services.waitlist_join(user=student, course=built.course)
    client.force_login(student)
    client.get(built.course.url)
    with django_assert_max_num_queries(COURSE_PAGE_BUDGET):
        response = client.get(built.course.url)
    assert "You are #1 on the waitlist" in response.content.decode()


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
def test_lesson_page_for_an_enrolled_learner_budget(
    client, make_course, student, django_assert_max_num_queries, modules, lessons
):
    built = make_course(modules=modules, lessons=lessons)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    lesson = built.lessons[-1]
    client.force_login(student)
    client.get(lesson.url)
    with django_assert_max_num_queries(LESSON_PAGE_BUDGET):
        response = client.get(lesson.url)
    assert response.status_code == 200
    assert 'data-testid="mark-complete"' in response.content.decode()


def _enrolled_in(student, make_course, count):
    competency = CompetencyFactory()
    courses = [make_course(modules=1, lessons=2, competencies=[competency]) for _ in range(count)]
    path = LearningPath.objects.create(title="Track", slug="track", summary="All of them.", sequential=False)
    for order, built in enumerate(courses):
        LearningPathStep.objects.create(path=path, course=built.course, sort_order=order)
        services.enrollment_create(user=student, course=built.course)
        services.lesson_complete(user=student, lesson=built.lessons[0])
    services.lesson_complete(user=student, lesson=courses[0].lessons[1])  # one completed course
    services.path_enroll(user=student, path=path)
    return path


@pytest.mark.parametrize("enrollments", [2, 12])
def test_dashboard_budget(client, make_course, student, django_assert_max_num_queries, enrollments):
    _enrolled_in(student, make_course, enrollments)
    client.force_login(student)
    client.get("/dashboard/")
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = client.get("/dashboard/")
    assert response.content.decode().count('data-testid="dashboard-course"') == enrollments - 1


@pytest.mark.parametrize("enrollments", [2, 12])
def test_path_page_budget(client, make_course, student, django_assert_max_num_queries, enrollments):
    path = _enrolled_in(student, make_course, enrollments)
    client.force_login(student)
    client.get(path.get_absolute_url())
    with django_assert_max_num_queries(PATH_PAGE_BUDGET):
        response = client.get(path.get_absolute_url())
    assert response.content.decode().count('data-state="enrolled"') == enrollments - 1


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
@pytest.mark.parametrize("prerequisites_done", [False, True])
def test_course_page_with_prerequisites_budget(
    client, make_course, student, django_assert_max_num_queries, modules, lessons, prerequisites_done
):
    """Prerequisites (one query) and seats on top of the enrollment lookup."""
    prerequisites = [make_course(modules=1, lessons=1) for _ in range(2)]
    built = make_course(modules=modules, lessons=lessons, capacity=30)
    built.course.prerequisites.set([p.course for p in prerequisites])
    publish(built.course)
    if prerequisites_done:
        for prerequisite in prerequisites:
            services.enrollment_create(user=student, course=prerequisite.course)
            services.lesson_complete(user=student, lesson=prerequisite.lessons[0])
    client.force_login(student)
    client.get(built.course.url)
    with django_assert_max_num_queries(COURSE_PAGE_BUDGET):
        response = client.get(built.course.url)
    expected = "Enroll for free" if prerequisites_done else "Complete these courses first"
    assert expected in response.content.decode()
