"""The learner dashboard at /dashboard/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import LearningPath, LearningPathStep
from learning import services
from tests.builders import publish
from tests.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def test_dashboard_needs_a_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_new_learner_gets_empty_states_that_point_to_the_catalog(client, student):
    client.force_login(student)
    response = client.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dashboard-empty"' in html
    assert 'href="/courses/"' in html
    assert 'href="/paths/"' in html


def test_header_links_to_the_dashboard_for_signed_in_users(client, student):
    assert 'href="/dashboard/"' not in client.get("/search/").content.decode()
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert '<a class="site-nav__link" href="/dashboard/" aria-current="page">Dashboard</a>' in html


def test_dashboard_shows_each_section(client, make_course, student):
    competency = CompetencyFactory(name="Defensive Cybersecurity", code="PD-WRL-001")
    done = make_course(modules=1, lessons=1, title="Linux Basics", competencies=[competency])
    active = make_course(
        modules=1, lessons=2, title="Network Defense", complete_by=timezone.localdate() + timedelta(days=10)
    )
    path = LearningPath.objects.create(title="SOC Analyst track", slug="soc", summary="Become a SOC analyst.")
    LearningPathStep.objects.create(path=path, course=done.course, sort_order=0)
    LearningPathStep.objects.create(path=path, course=active.course, sort_order=1)
    services.enrollment_create(user=student, course=done.course)
    services.lesson_complete(user=student, lesson=done.lessons[0])
    services.path_enroll(user=student, path=path)
    services.lesson_complete(user=student, lesson=active.lessons[0])
    client.force_login(student)

    html = client.get("/dashboard/").content.decode()

    active_section = html[html.index('data-testid="dashboard-active"') : html.index('data-testid="dashboard-paths"')]
    assert "Network Defense" in active_section and "Linux Basics" not in active_section
    assert 'value="50"' in active_section
    assert f'href="{active.lessons[0].url}"' in active_section  # continue where the learner left off
    completed_section = html[html.index('data-testid="dashboard-completed"') :]
    assert "Linux Basics" in completed_section
    assert f"completed on {timezone.localdate():%-d %B %Y}" in completed_section
    paths_section = html[html.index('data-testid="dashboard-paths"') : html.index('data-testid="dashboard-completed"')]
    assert "SOC Analyst track" in paths_section
    assert 'data-state="completed"' in paths_section and 'data-state="enrolled"' in paths_section
    deadlines = html[
        html.index('data-testid="dashboard-deadlines"') : html.index('data-testid="dashboard-competencies"')
    ]
    assert "Network Defense" in deadlines
    competencies = html[html.index('data-testid="dashboard-competencies"') :]
    assert "NICE Framework" in competencies and "Defensive Cybersecurity" in competencies


def test_dashboard_shows_only_the_learners_own_courses(client, make_course, student, other_student):
    mine = make_course(title="Mine").course
    theirs = make_course(title="Theirs").course
    services.enrollment_create(user=student, course=mine)
    services.enrollment_create(user=other_student, course=theirs)
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert ">Mine<" in html
    assert ">Theirs<" not in html


def test_archived_course_stays_on_the_dashboard(client, make_course, student):
    course = make_course(title="Old Edition").course
    services.enrollment_create(user=student, course=course)
    course.archived = True
    publish(course)
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert "Old Edition" in html
    assert "Archived edition" in html
