"""Learning path pages: /paths/ and /paths/<slug>/."""

import pytest

from courses.models import LearningPath, LearningPathStep
from learning.models import Enrollment, PathEnrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(make_course):
    path = LearningPath.objects.create(
        title="SOC Analyst track",
        slug="soc-analyst",
        summary="From logs to incidents.",
        description="<p>Three courses.</p>",
    )
    for order, title in enumerate(["Security Fundamentals", "Networking for Defenders", "SOC Foundations"]):
        LearningPathStep.objects.create(path=path, course=make_course(title=title).course, sort_order=order)
    return path


def _steps(path):
    return [step.course for step in path.steps.all()]


def test_path_page_lists_its_courses_in_order(client, path):
    response = client.get("/paths/soc-analyst/")
    html = response.content.decode()
    assert response.status_code == 200
    positions = [
        html.index(title) for title in ("Security Fundamentals", "Networking for Defenders", "SOC Foundations")
    ]
    assert positions == sorted(positions)
    assert "From logs to incidents." in html and "Three courses." in html
    assert "Log in to enroll" in html


def test_enrolling_in_a_path_enrolls_in_its_first_course(client, path, student):
    client.force_login(student)
    response = client.post("/paths/soc-analyst/enroll/", follow=True)
    first = _steps(path)[0]
    assert PathEnrollment.objects.filter(user=student, path=path).exists()
    assert list(Enrollment.objects.filter(user=student).values_list("course_id", flat=True)) == [first.pk]
    html = response.content.decode()
    assert "You joined the learning path SOC Analyst track." in html
    assert html.count('data-state="enrolled"') == 1
    assert html.count('data-state="locked"') == 2
    assert 'aria-label="Path progress"' in html


def test_path_enroll_refuses_get(client, path, student):
    client.force_login(student)
    assert client.get("/paths/soc-analyst/enroll/").status_code == 405


def test_unpublished_path_is_not_found(client, path, student):
    path.published = False
    path.save()
    client.force_login(student)
    assert client.get("/paths/soc-analyst/").status_code == 404
    assert client.post("/paths/soc-analyst/enroll/").status_code == 404
    assert "SOC Analyst track" not in client.get("/paths/").content.decode()


def test_path_list_links_each_published_path(client, path):
    html = client.get("/paths/").content.decode()
    assert f'href="{path.get_absolute_url()}"' in html
    assert "3 courses" in html


def test_catalog_links_to_learning_paths(client, path, catalog):
    assert 'href="/paths/"' in client.get("/courses/").content.decode()


def test_another_learners_path_state_never_shows(client, path, student, other_student):
    client.force_login(other_student)
    client.post("/paths/soc-analyst/enroll/")
    client.force_login(student)
    html = client.get("/paths/soc-analyst/").content.decode()
    assert 'data-testid="path-enroll"' in html
    assert 'data-state="enrolled"' not in html
