"""Proctored exams over HTTP: the exam page's event beacon (site and API) and the proctor's
review queue in the Wagtail admin ("Exam reviews")."""

import json

import pytest
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework_simplejwt.tokens import AccessToken

from accounts import roles
from assessments.models import Attempt, IntegrityEvent
from assessments.proctoring_views import exam_reviews_menu_shown
from learning import services as learning_services
from learning.models import Enrollment
from tests.assessments.proctoring_builders import (
    build_exam_course,
    enroll_and_pass,
    events_add,
    exam_pass,
    exam_start,
)
from tests.factories import UserFactory
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db

Kind = IntegrityEvent.Kind
BROWSER = {"HTTP_USER_AGENT": "UA"}


@pytest.fixture
def proctor(db):
    # An instructor who does not teach the course: sees the exam only as its proctor.
    return UserFactory(roles=[roles.INSTRUCTOR])


@pytest.fixture
def learner_client(client, enrolled):
    client.force_login(enrolled)
    return client


@pytest.fixture
def attempt(learner_client, enrolled, exam):
    """Started in the learner client's session, from the test client's address and browser."""
    return exam_start(enrolled, exam, session_key=learner_client.session.session_key, ip="127.0.0.1")


@pytest.fixture
def submitted(enrolled, exam_course, django_capture_on_commit_callbacks):
    """Passed in a session of its own (the first lesson done by hand: the course completes)."""
    built, exam, _ = exam_course
    learning_services.lesson_complete(user=enrolled, lesson=built.lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        return exam_pass(enrolled, exam)


def events_url(attempt):
    return reverse("assessments:attempt-events", args=(attempt.pk,))


def api_events_url(attempt):
    return reverse("api-v1:attempt-events", args=(attempt.pk,))


def beacon(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **{**BROWSER, **extra})


def kinds_of(attempt):
    return list(IntegrityEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))


def errors_of(response):
    return response.json()["errors"]


# --- the exam page's beacon --------------------------------------------------------------------


def test_the_exam_page_reports_an_event(learner_client, attempt):
    response = beacon(learner_client, events_url(attempt), {"kind": "tab_hidden", "details": {"count": 2}})
    assert response.status_code == 204
    event = IntegrityEvent.objects.get(attempt=attempt, kind=Kind.TAB_HIDDEN)
    assert (event.ip, event.user_agent, event.details) == ("127.0.0.1", "UA", {"count": 2})


def test_the_beacon_needs_the_csrf_header(enrolled, exam):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(enrolled)
    attempt = exam_start(enrolled, exam, session_key=browser.session.session_key, ip="127.0.0.1")
    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token

    assert beacon(browser, events_url(attempt), {"kind": "copy"}).status_code == 403
    assert beacon(browser, events_url(attempt), {"kind": "copy"}, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert kinds_of(attempt) == [Kind.STARTED, Kind.COPY]


def test_another_learners_attempt_is_not_found(attempt, other_student):
    intruder = Client()
    intruder.force_login(other_student)
    assert beacon(intruder, events_url(attempt), {"kind": "paste"}).status_code == 404
    assert session_client(other_student).post(api_events_url(attempt), {"kind": "paste"}).status_code == 404
    assert kinds_of(attempt) == [Kind.STARTED]


def test_an_unknown_kind_is_refused_with_a_field_error(learner_client, attempt):
    response = beacon(learner_client, events_url(attempt), {"kind": "submitted"})
    assert response.status_code == 400
    assert [(error["field"], error["code"]) for error in errors_of(response)] == [("kind", "invalid_choice")]
    assert kinds_of(attempt) == [Kind.STARTED]


def test_oversized_details_are_refused_with_a_field_error(learner_client, attempt):
    response = beacon(learner_client, events_url(attempt), {"kind": "copy", "details": {"text": "x" * 5000}})
    assert response.status_code == 400
    assert {error["field"] for error in errors_of(response)} == {"details"}


def test_a_beacon_from_another_session_is_refused_and_recorded(attempt, enrolled):
    second_browser = Client()
    second_browser.force_login(enrolled)  # a new session
    response = beacon(second_browser, events_url(attempt), {"kind": "tab_hidden"})
    assert response.status_code == 409
    assert errors_of(response)[0]["code"] == "exam_session_active"
    assert kinds_of(attempt) == [Kind.STARTED, Kind.SECOND_SESSION]


def test_a_new_address_is_recorded_once_whatever_the_number_of_beacons(learner_client, attempt):
    for _ in range(3):
        beacon(learner_client, events_url(attempt), {"kind": "window_blur"}, REMOTE_ADDR="192.0.2.7")
    assert kinds_of(attempt).count(Kind.IP_CHANGED) == 1
    assert kinds_of(attempt).count(Kind.WINDOW_BLUR) == 3


def test_a_submitted_exam_takes_no_more_events(client, submitted, enrolled):
    client.force_login(enrolled)
    response = beacon(client, events_url(submitted), {"kind": "tab_hidden"})
    assert response.status_code == 409 and errors_of(response)[0]["code"] == "attempt_closed"


def test_an_app_reports_events_through_the_api_with_its_token(enrolled, exam, api_client):
    token = AccessToken.for_user(enrolled)
    # A token client names its device; that id, not the short-lived token, pins the exam.
    attempt = exam_start(enrolled, exam, session_key="device:phone-1", ip="127.0.0.1")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_EXAM_SESSION="phone-1")

    response = api_client.post(api_events_url(attempt), {"kind": "paste", "details": {"length": 40}}, **BROWSER)

    assert response.status_code == 204
    assert kinds_of(attempt) == [Kind.STARTED, Kind.PASTE]


def test_the_api_refuses_an_unknown_kind_with_a_field_error(enrolled, exam):
    api = session_client(enrolled)
    attempt = exam_start(enrolled, exam, session_key=api.session.session_key, ip="127.0.0.1")
    response = api.post(api_events_url(attempt), {"kind": "print"}, **BROWSER)
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert errors_of(response)[0]["field"] == "kind"


def test_the_integrity_include_shows_the_notice_and_loads_the_script(attempt, enrolled):
    request = RequestFactory().get("/")
    request.user = enrolled
    html = render_to_string("assessments/includes/exam_integrity.html", {"attempt": attempt}, request=request)
    assert "This exam is proctored:" in html
    assert f'data-events-url="{events_url(attempt)}"' in html
    assert "js/proctoring.js" in html


# --- the review queue --------------------------------------------------------------------------


def queue_url(suffix=""):
    return reverse("assessments_exam_reviews:index") + suffix


def detail_url(attempt):
    return reverse("assessments_exam_reviews:detail", args=(attempt.pk,))


def test_the_proctor_sees_their_exams_attempts(client, proctor, submitted):
    client.force_login(proctor)
    response = client.get(queue_url())
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [submitted]
    assert response.context["object_list"][0].event_count == 2  # started, submitted


def test_a_mentor_proctor_reviews_in_the_admin(client, exam, submitted):
    mentor = UserFactory(roles=[roles.MENTOR])
    exam.proctor = mentor
    exam.save(update_fields=["proctor"])
    client.force_login(mentor)
    response = client.get(queue_url())
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [submitted]
    assert client.get(detail_url(submitted)).status_code == 200


def test_the_course_instructor_and_administrators_see_the_attempt(client, instructor, administrator, submitted):
    for user in (instructor, administrator):
        client.force_login(user)
        assert list(client.get(queue_url()).context["object_list"]) == [submitted]
        assert client.get(detail_url(submitted)).status_code == 200


def test_another_instructor_sees_nothing_and_gets_404_for_the_attempt(client, other_instructor, submitted):
    client.force_login(other_instructor)
    assert list(client.get(queue_url()).context["object_list"]) == []
    assert client.get(detail_url(submitted)).status_code == 404
    assert client.post(detail_url(submitted), {"decision": "invalidate", "note": "x"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.PENDING


def test_a_student_is_kept_out_of_the_admin(client, student, submitted):
    client.force_login(student)
    for url in (queue_url(), detail_url(submitted)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/login/" in response["Location"]


def test_attempts_in_progress_are_not_in_the_queue(client, proctor, attempt):
    client.force_login(proctor)
    assert list(client.get(queue_url()).context["object_list"]) == []


def test_the_queue_filters_by_review_status_and_exam(client, proctor, submitted):
    client.force_login(proctor)
    assert list(client.get(queue_url("?review_status=pending")).context["object_list"]) == [submitted]
    assert list(client.get(queue_url("?review_status=invalidated")).context["object_list"]) == []
    assert list(client.get(queue_url(f"?quiz={submitted.quiz_id}")).context["object_list"]) == [submitted]


def test_the_detail_page_shows_the_attempt_and_its_timeline_in_utc(client, proctor, submitted):
    events_add(submitted, 3)
    client.force_login(proctor)
    response = client.get(detail_url(submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert submitted.user.get_display_name() in html and "Final exam" in html
    assert "10.0.0.1" in html and "Tab hidden" in html and "Time (UTC)" in html
    assert len(response.context["events"]) == 5


def test_the_proctor_invalidates_from_the_detail_page(
    client, proctor, submitted, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(proctor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(submitted), {"decision": "invalidate", "note": "Phone visible."})
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.INVALIDATED
    assert submitted.review_note == "Phone visible." and submitted.reviewed_by == proctor
    assert Enrollment.objects.get(pk=submitted.enrollment_id).status == Enrollment.Status.ACTIVE
    assert len(mailoutbox) == 1


def test_invalidating_without_a_note_shows_the_error(client, proctor, submitted):
    client.force_login(proctor)
    response = client.post(detail_url(submitted), {"decision": "invalidate", "note": ""})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.PENDING


def test_the_menu_item_shows_for_those_who_may_have_something_to_review(
    exam, proctor, instructor, administrator, student
):
    mentor = UserFactory(roles=[roles.MENTOR])
    exam.proctor = mentor
    exam.save(update_fields=["proctor"])
    assert all(exam_reviews_menu_shown(user) for user in (mentor, instructor, administrator))
    assert not exam_reviews_menu_shown(student)
    assert not exam_reviews_menu_shown(UserFactory(roles=[roles.MENTOR]))


# --- query budgets -----------------------------------------------------------------------------

# Measured warm. Wagtail's admin chrome costs 10 (the user, permissions, profile, groups, site,
# locales, page, collection and site permissions); the queue adds the row count, the exam
# filter's choices and one page of attempts with their event counts; the review page adds the
# attempt (with learner, exam, course) and its events.
QUEUE_BUDGET = 13
DETAIL_BUDGET = 12


def _queue_of(make_course, size, django_capture_on_commit_callbacks):
    """A new course and proctor whose exam `size` learners passed, each attempt with 50 events."""
    proctor = UserFactory(roles=[roles.INSTRUCTOR])
    built, exam, _ = build_exam_course(make_course, instructor=UserFactory(roles=[roles.INSTRUCTOR]), proctor=proctor)
    attempts = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(size):
            attempts.append(enroll_and_pass(UserFactory(roles=[roles.STUDENT]), built, exam))
    for attempt in attempts:
        events_add(attempt, 50)
    return proctor, attempts


def test_the_review_queue_costs_the_same_for_1_and_20_attempts(
    client, make_course, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    counts = []
    for size in (1, 20):
        proctor, _ = _queue_of(make_course, size, django_capture_on_commit_callbacks)
        client.force_login(proctor)
        client.get(queue_url())  # warm: session, menu
        with django_assert_max_num_queries(QUEUE_BUDGET), CaptureQueriesContext(connection) as queries:
            response = client.get(queue_url())
        assert len(response.context["object_list"]) == size
        assert {row.event_count for row in response.context["object_list"]} == {52}
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries for 1 attempt, {counts[1]} for 20"


def test_the_review_page_costs_the_same_for_few_and_many_events(
    client, make_course, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    proctor, [attempt] = _queue_of(make_course, 1, django_capture_on_commit_callbacks)
    client.force_login(proctor)
    counts = []
    for _ in range(2):
        client.get(detail_url(attempt))
        with django_assert_max_num_queries(DETAIL_BUDGET), CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(attempt)).status_code == 200
        counts.append(len(queries))
        events_add(attempt, 200)
    assert counts[0] == counts[1]
