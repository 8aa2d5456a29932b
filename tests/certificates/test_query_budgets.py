"""Query budgets of verification (page and API) and the learner's list, each at two data sizes:
the count must not grow with the history or with other learners' certificates."""

import pytest

from certificates.models import Certificate
from tests.certificates.helpers import certificate_rows
from tests.factories import UserFactory
from tests.learning.clients import jwt_client

pytestmark = pytest.mark.django_db

# The certificate by its code, then its family history; the page adds the base template's
# Wagtail Site lookup (site settings themselves are cached; an anonymous visitor has no session).
VERIFY_PAGE_BUDGET = 3
VERIFY_API_BUDGET = 2
# User (JWT), count, page of certificates with course and enrollment, the family rows.
OWN_LIST_BUDGET = 4


@pytest.fixture
def histories(make_course):
    """build(runs, others): a learner with `runs` certificates of one course, and `others` other
    learners with certificates of the same course."""

    def build(runs: int, others: int):
        course = make_course(modules=1, lessons=1).course
        learner = UserFactory()
        mine = certificate_rows(learner, course, runs)
        for _ in range(others):
            certificate_rows(UserFactory(), course, 2)
        return learner, mine

    return build


@pytest.mark.parametrize(("runs", "others"), [(1, 0), (20, 15)])
def test_verification_page_budget(client, histories, django_assert_max_num_queries, runs, others):
    _learner, mine = histories(runs, others)
    url = f"/certificates/verify/{mine[0].code}/"
    client.get(url)
    with django_assert_max_num_queries(VERIFY_PAGE_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="history-entry"') == (runs if runs > 1 else 0)


@pytest.mark.parametrize(("runs", "others"), [(1, 0), (20, 15)])
def test_verification_api_budget(api_client, histories, django_assert_max_num_queries, runs, others):
    _learner, mine = histories(runs, others)
    url = f"/api/v1/certificates/verify/{mine[0].code}/"
    api_client.get(url)
    with django_assert_max_num_queries(VERIFY_API_BUDGET):
        response = api_client.get(url)
    assert response.status_code == 200
    assert len(response.json()["data"]["history"]) == runs


@pytest.mark.parametrize("courses", [1, 20])
def test_own_certificates_list_budget(make_course, django_assert_max_num_queries, courses):
    learner = UserFactory()
    for _ in range(courses):
        certificate_rows(learner, make_course(modules=1, lessons=1).course, 1)
    certificate_rows(UserFactory(), make_course(modules=1, lessons=1).course, 3)
    client = jwt_client(learner)
    client.get("/api/v1/certificates/")
    with django_assert_max_num_queries(OWN_LIST_BUDGET):
        response = client.get("/api/v1/certificates/")
    assert len(response.json()["data"]) == courses
    assert Certificate.objects.filter(user=learner).count() == courses
