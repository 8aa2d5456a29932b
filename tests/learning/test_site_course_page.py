"""The course page's learner panel and the enrollment actions behind it (HTTP, as a browser would)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from learning import services
from learning.models import Enrollment, WaitlistEntry
from tests.builders import publish

pytestmark = pytest.mark.django_db


def _panel_state(response) -> str:
    match = re.search(r'data-testid="learner-panel" data-state="([a-z_]+)"', response.content.decode())
    return match.group(1) if match else ""


def _enroll_url(course):
    return f"/learning/courses/{course.pk}/enroll/"


def test_anonymous_visitor_is_asked_to_log_in_to_enroll(client, make_course):
    course = make_course().course
    response = client.get(course.url)
    assert _panel_state(response) == "anonymous"
    assert f'href="/accounts/login/?next={course.url.replace("/", "%2F")}"' in response.content.decode()


def test_enroll_button_enrolls_the_learner_with_no_progress(client, make_course, student):
    course = make_course().course
    client.force_login(student)
    assert _panel_state(client.get(course.url)) == "can_enroll"

    response = client.post(_enroll_url(course), {"next": course.url}, follow=True)

    assert Enrollment.objects.get(user=student, course=course).status == Enrollment.Status.ACTIVE
    assert _panel_state(response) == "enrolled"
    assert f"You are enrolled in {course.title}." in response.content.decode()
    assert 'value="0"' in response.content.decode()  # the <progress> bar
    assert "0 of 4 lessons complete" in response.content.decode()


def test_enrolling_twice_keeps_one_enrollment(client, make_course, student):
    course = make_course().course
    client.force_login(student)
    client.post(_enroll_url(course))
    response = client.post(_enroll_url(course), follow=True)
    assert Enrollment.objects.filter(user=student, course=course).count() == 1
    assert "already enrolled" in response.content.decode()


def test_anonymous_enroll_post_redirects_to_login_back_to_the_course(client, make_course):
    course = make_course().course
    response = client.post(_enroll_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Enrollment.objects.exists()


def test_full_course_offers_the_waitlist_and_joining_queues_the_learner(client, make_course, student, other_student):
    course = make_course(capacity=1).course
    services.enrollment_create(user=other_student, course=course)
    client.force_login(student)

    page = client.get(course.url)
    assert _panel_state(page) == "full"
    assert "This course is full." in page.content.decode()
    assert "Join the waitlist" in page.content.decode()

    response = client.post(f"/learning/courses/{course.pk}/waitlist/join/", follow=True)
    assert WaitlistEntry.objects.filter(user=student, course=course).exists()
    assert "You are #1 on the waitlist" in response.content.decode()
    assert "Leave waitlist" in response.content.decode()


def test_leaving_the_waitlist_removes_the_entry(client, make_course, student, other_student):
    course = make_course(capacity=1).course
    services.enrollment_create(user=other_student, course=course)
    services.waitlist_join(user=student, course=course)
    client.force_login(student)
    response = client.post(f"/learning/courses/{course.pk}/waitlist/leave/", follow=True)
    assert not WaitlistEntry.objects.filter(user=student).exists()
    assert "Join the waitlist" in response.content.decode()


def test_enrolling_in_a_full_course_shows_the_services_refusal(client, make_course, student, other_student):
    course = make_course(capacity=1).course
    services.enrollment_create(user=other_student, course=course)
    client.force_login(student)
    response = client.post(_enroll_url(course), follow=True)
    assert "This course has no free seats." in response.content.decode()
    assert not Enrollment.objects.filter(user=student).exists()


def test_missing_prerequisites_are_named_and_linked(client, make_course, student):
    first = make_course(title="Linux Basics").course
    second = make_course(title="Networking Basics").course
    course = make_course().course
    course.prerequisites.set([first, second])
    publish(course)
    client.force_login(student)

    response = client.get(course.url)

    assert _panel_state(response) == "prerequisites"
    html = response.content.decode()
    assert "Complete these courses first:" in html
    assert f'<a href="{first.url}">Linux Basics</a>' in html
    assert f'<a href="{second.url}">Networking Basics</a>' in html


def test_completed_prerequisites_unlock_the_enroll_button(client, make_course, student):
    first = make_course(modules=1, lessons=1)
    course = make_course().course
    course.prerequisites.set([first.course])
    publish(course)
    services.enrollment_create(user=student, course=first.course)
    services.lesson_complete(user=student, lesson=first.lessons[0])
    client.force_login(student)
    assert _panel_state(client.get(course.url)) == "can_enroll"


def test_closed_enrollment_says_so(client, make_course, student):
    course = make_course(enrollment_closes_at=timezone.now() - timedelta(days=1)).course
    client.force_login(student)
    response = client.get(course.url)
    assert _panel_state(response) == "closed"
    assert "Enrollment is closed." in response.content.decode()
    assert "Enroll for free" not in response.content.decode()


def test_paid_course_says_checkout_is_coming(client, make_course, student):
    course = make_course(price=49).course
    client.force_login(student)
    response = client.get(course.url)
    assert _panel_state(response) == "paid"
    assert "Paid course: checkout coming soon" in response.content.decode()


def test_enrolled_learner_sees_progress_and_where_to_continue(client, make_course, student):
    built = make_course(modules=2, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    client.force_login(student)

    html = client.get(built.course.url).content.decode()

    assert 'value="25"' in html
    assert "1 of 4 lessons complete" in html
    assert f'href="{built.lessons[1].url}" data-testid="continue-link">Continue where you left off' in html
    assert html.count('data-testid="lesson-complete"') == 1


def test_completed_course_shows_the_completion_date(client, make_course, student):
    built = make_course(modules=1, lessons=1)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    client.force_login(student)
    response = client.get(built.course.url)
    assert _panel_state(response) == "completed"
    assert f"Completed on {timezone.localdate():%-d %B %Y}" in response.content.decode()


def test_another_learners_progress_never_shows(client, make_course, student, other_student):
    built = make_course(modules=1, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    services.enrollment_create(user=other_student, course=built.course)
    client.force_login(other_student)

    html = client.get(built.course.url).content.decode()

    assert 'value="0"' in html
    assert "0 of 2 lessons complete" in html
    assert 'data-testid="lesson-complete"' not in html


def test_drop_asks_for_confirmation_then_drops(client, make_course, student):
    course = make_course().course
    services.enrollment_create(user=student, course=course)
    client.force_login(student)

    confirm = client.get(f"/learning/courses/{course.pk}/drop/confirm/")
    assert confirm.status_code == 200
    assert f"Drop {course.title}?" in confirm.content.decode()

    response = client.post(f"/learning/courses/{course.pk}/drop/", follow=True)
    assert Enrollment.objects.get(user=student, course=course).status == Enrollment.Status.DROPPED
    assert _panel_state(response) == "can_enroll"


def test_dropping_another_learners_course_is_not_found(client, make_course, student, other_student):
    course = make_course().course
    services.enrollment_create(user=other_student, course=course)
    client.force_login(student)
    assert client.get(f"/learning/courses/{course.pk}/drop/confirm/").status_code == 404
    assert client.post(f"/learning/courses/{course.pk}/drop/").status_code == 404
    assert Enrollment.objects.get(user=other_student).status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize("action", ["enroll", "drop", "waitlist/join", "waitlist/leave"])
def test_course_actions_refuse_get(client, make_course, student, action):
    course = make_course().course
    client.force_login(student)
    assert client.get(f"/learning/courses/{course.pk}/{action}/").status_code == 405


def test_enroll_needs_the_csrf_token(make_course, student):
    course = make_course().course
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)

    assert browser.post(_enroll_url(course)).status_code == 403
    assert not Enrollment.objects.exists()

    page = browser.get(course.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(_enroll_url(course), {"csrfmiddlewaretoken": token}).status_code == 302
    assert Enrollment.objects.filter(user=student, course=course).exists()


def test_next_pointing_off_site_is_ignored(client, make_course, student):
    course = make_course().course
    client.force_login(student)
    response = client.post(_enroll_url(course), {"next": "https://evil.example/"})
    assert response["Location"] == course.url


def test_unpublished_course_actions_are_not_found(client, make_course, student):
    course = make_course().course
    course.unpublish()
    client.force_login(student)
    assert client.post(_enroll_url(course)).status_code == 404


def test_archived_edition_points_new_learners_to_the_current_one(client, make_course, student):
    old = make_course(title="Incident Response 2025").course
    new = make_course(title="Incident Response 2026").course
    type(new).objects.filter(pk=new.pk).update(previous_edition=old)
    old.archived = True
    publish(old)
    client.force_login(student)

    page = client.get(old.url)
    assert _panel_state(page) == "newer_edition"
    assert f'href="{new.url}"' in page.content.decode()

    response = client.post(_enroll_url(old))
    assert response["Location"] == new.url
    assert Enrollment.objects.get(user=student).course_id == new.pk


def test_an_older_edition_of_a_prerequisite_counts(client, make_course, student):
    older = make_course(modules=1, lessons=1, title="Linux Basics 2025")
    newer = make_course(title="Linux Basics 2026").course
    type(newer).objects.filter(pk=newer.pk).update(previous_edition=older.course)
    course = make_course().course
    course.prerequisites.set([newer])
    publish(course)
    # Completed before the new edition appeared (enrolling now would go to the new one).
    Enrollment.objects.create(
        user=student, course=older.course, status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    client.force_login(student)
    assert _panel_state(client.get(course.url)) == "can_enroll"
