"""Query budgets of the roster pages, the same for 3 and 40 learners.

The Wagtail admin itself costs queries on every page (the user, their permissions and
profile, the menu's page, collection and site permissions, the explorer's start page); the
roster adds the course, the permission check, the row count and one page of rows joined with
their users. The CSV export has no admin chrome: the filtered rows stream in one query.
Measured warm (course outline cached): instructor roster 15, CSV 8, "My courses" 13;
administrator roster 13, CSV 7.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from learning.models import Enrollment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIZES = (3, 40)
BUDGETS = {
    ("instructor", "roster"): 15,
    ("instructor", "csv"): 8,
    ("instructor", "my_courses"): 13,
    ("administrator", "roster"): 13,
    ("administrator", "csv"): 7,
}
URLS = {"roster": "/admin/roster/{id}/", "csv": "/admin/roster/{id}/?export=csv", "my_courses": "/admin/roster/"}


def _roster_of(make_course, instructor, size):
    course = make_course(instructors=[instructor]).course
    Enrollment.objects.bulk_create(
        Enrollment(user=UserFactory(roles=[roles.STUDENT]), course=course, completed_lessons=n % 4) for n in range(size)
    )
    return course


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(("who", "page"), sorted(BUDGETS))
def test_roster_pages_cost_the_same_for_few_and_many_learners(
    client, make_course, instructor, administrator, django_assert_max_num_queries, who, page
):
    client.force_login(instructor if who == "instructor" else administrator)
    counts = []
    for size in SIZES:
        url = URLS[page].format(id=_roster_of(make_course, instructor, size).pk)
        _get(client, url)  # warm: session, course outline
        with django_assert_max_num_queries(BUDGETS[(who, page)]), CaptureQueriesContext(connection) as queries:
            response = _get(client, url)
        counts.append(len(queries))
        if page == "roster":
            assert len(response.context["object_list"]) == size

    assert counts[0] == counts[1], (
        f"{who} {page}: {counts[0]} queries for {SIZES[0]} learners, {counts[1]} for {SIZES[1]}"
    )
