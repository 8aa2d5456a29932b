"""Query budgets of the site's pages, each at two data sizes so the count cannot grow with them.

The budgets are for a warm cache (a second request), which is the steady state the content
cache is built for: the course outline and the lesson body come from Redis. What is left on a
preview lesson: the site, the root page, the lesson itself, Wagtail's view-restriction check
(two) and, signed in, the session's user plus learning's one enrollment lookup. Budgets for
enrolled learners (progress, completion marks) are in tests/learning/test_site_budgets.py.
"""

import pytest

from tests.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("course_count", [3, 30])
def test_catalog_page_budget(client, make_course, django_assert_max_num_queries, course_count):
    competency = CompetencyFactory()
    for _ in range(course_count):
        make_course(modules=1, lessons=1, competencies=[competency], tags=["blue-team"])
    client.get("/courses/")
    with django_assert_max_num_queries(10):
        response = client.get("/courses/")
    assert len(response.context["courses"]) == course_count


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
@pytest.mark.parametrize("signed_in", [False, True])
def test_course_page_budget(client, make_course, student, django_assert_max_num_queries, modules, lessons, signed_in):
    built = make_course(modules=modules, lessons=lessons, competencies=[CompetencyFactory()])
    if signed_in:
        client.force_login(student)
    client.get(built.course.url)
    with django_assert_max_num_queries(7 if signed_in else 6):
        response = client.get(built.course.url)
    assert response.context["outline"].lesson_count == modules * lessons


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
@pytest.mark.parametrize("signed_in", [False, True])
def test_lesson_page_budget(client, make_course, student, django_assert_max_num_queries, modules, lessons, signed_in):
    built = make_course(modules=modules, lessons=lessons)
    lesson = built.lessons[0]  # the free preview: anyone may read it
    if signed_in:
        client.force_login(student)
    client.get(lesson.url)
    with django_assert_max_num_queries(7 if signed_in else 6):
        response = client.get(lesson.url)
    assert response.status_code == 200


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
def test_module_page_budget(client, make_course, student, django_assert_max_num_queries, modules, lessons):
    built = make_course(modules=modules, lessons=lessons)
    module = built.modules[-1]
    client.force_login(student)
    client.get(module.url)
    with django_assert_max_num_queries(7):
        response = client.get(module.url)
    assert response.status_code == 200


@pytest.mark.parametrize("course_count", [3, 30])
def test_home_page_budget(client, make_course, django_assert_max_num_queries, course_count):
    competency = CompetencyFactory()
    for _ in range(course_count):
        make_course(modules=1, lessons=1, competencies=[competency], tags=["blue-team"])
    client.get("/")
    with django_assert_max_num_queries(9):
        response = client.get("/")
    assert len(response.context["featured_courses"]) == min(course_count, 6)


@pytest.mark.parametrize("course_count", [3, 30])
def test_course_and_lesson_pages_do_not_grow_with_the_catalog(
    client, make_course, student, django_assert_max_num_queries, course_count
):
    """The same course and lesson, signed in, beside a small and a large catalog."""
    competency = CompetencyFactory()
    for _ in range(course_count - 1):
        make_course(modules=1, lessons=1, competencies=[competency], tags=["blue-team"])
    built = make_course(modules=2, lessons=2, competencies=[competency], tags=["blue-team"])
    client.force_login(student)
    for url in (built.course.url, built.lessons[0].url):
        client.get(url)
        with django_assert_max_num_queries(7):
            response = client.get(url)
        assert response.status_code == 200, url
