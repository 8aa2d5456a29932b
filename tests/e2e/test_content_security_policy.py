"""The Content-Security-Policy and Permissions-Policy break nothing: a real browser visits the main
site pages (with their scripts: quiz autosave, exam integrity notice, lesson progress), the Wagtail
admin's page editor with its live preview and the Django admin, and Chromium reports no violation.

Chromium logs every blocked script, style, frame or image as a console message naming the
"Content Security Policy", and an unknown or malformed Permissions-Policy feature likewise.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from assessments import services as assessment_services
from learning import services as learning_services
from tests.assessments.builders import build_lab, build_quiz, place, question
from tests.builders import build_catalog, build_course, build_home_page
from tests.certificates.helpers import certificate_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

POLICY_MESSAGE = re.compile(r"Content Security Policy|Content-Security-Policy|Permissions.Policy", re.I)


class Violations:
    """Console messages about a policy, with the page they happened on."""

    def __init__(self, page):
        self.page = page
        self.seen: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message):
        if POLICY_MESSAGE.search(message.text):
            self.seen.append(f"{self.page.url}: {message.text}")

    def visit(self, url, *, ready=None):
        response = self.page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        if ready is not None:
            expect(ready(self.page)).to_be_visible()
        self.page.wait_for_load_state("networkidle")
        return response


def _sign_in(page, live_server, user):
    """The browser gets a session of `user` (force_login completes the second factor for staff, see
    tests/conftest.py): the sign-in forms are other tests' subject."""
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return session


def test_no_policy_violation_on_the_site_or_in_the_admin(page, live_server):
    learner = UserFactory(roles=[roles.STUDENT], display_name="Ada Lovelace")
    administrator = UserFactory(roles=[roles.ADMINISTRATOR], is_staff=True, is_superuser=True)
    mentor = UserFactory(roles=[roles.MENTOR])
    catalog = build_catalog(build_home_page())
    built = build_course(catalog, title="Incident Response 101", modules=1, lessons=4)
    lessons = built.lessons
    quiz = build_quiz(title="Triage check", questions=[question("single_choice", block_id="first")], max_attempts=None)
    place(lessons[1], quiz)
    now = timezone.now()
    exam = build_quiz(
        title="Final exam",
        proctored=True,
        proctor=mentor,
        available_from=now - timedelta(hours=1),
        available_until=now + timedelta(hours=2),
        questions=[question("essay", block_id="essay", points=5)],
    )
    place(lessons[2], exam)
    lab = build_lab(title="Find the flag")
    place(lessons[3], lab)
    learning_services.enrollment_create(user=learner, course=built.course)
    finished = build_course(catalog, title="Log Analysis", modules=1, lessons=1)
    certificate = certificate_rows(learner, finished.course, 1)[0]

    violations = Violations(page)

    # A visitor.
    violations.visit("/")
    violations.visit(catalog.url)
    violations.visit(built.course.url)
    violations.visit(lessons[0].url)  # the preview lesson
    violations.visit("/search/?q=incident")
    violations.visit("/accounts/login/")
    violations.visit(certificate.get_absolute_url())
    violations.visit("/no-such-page/")

    # A learner: dashboard, lessons, the quiz with its autosave script, the lab, the exam with
    # its integrity script.
    session_key = _sign_in(page, live_server, learner)
    violations.visit("/dashboard/", ready=lambda p: p.get_by_test_id("user-name"))
    violations.visit(lessons[0].url)
    violations.visit(lessons[1].url)
    violations.visit(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()
    form = page.get_by_test_id("attempt-form")
    form.get_by_label("Right").check()
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Saved at")
    violations.visit(f"/labs/{lab.pk}/")
    attempt, _ = assessment_services.attempt_start(
        user=learner,
        quiz=exam,
        lesson_id=lessons[2].pk,
        session_key=session_key,
        ip="127.0.0.1",
        user_agent="e2e",
        integrity_accepted=True,
    )
    violations.visit(f"/attempts/{attempt.pk}/", ready=lambda p: p.locator("[data-exam-integrity]"))
    violations.visit("/grades/")

    # An administrator: the Wagtail dashboard, the page editor and its live preview, the Django admin.
    _sign_in(page, live_server, administrator)
    violations.visit("/admin/")
    violations.visit(f"/admin/pages/{lessons[0].pk}/edit/", ready=lambda p: p.locator("#id_title"))
    page.locator("[data-side-panel-toggle='preview']").click()
    expect(page.frame_locator("#w-preview-iframe").get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    violations.visit(f"/admin/pages/{built.course.pk}/")
    violations.visit("/admin/snippets/")
    violations.visit("/django-admin/")
    violations.visit(f"/django-admin/accounts/user/{learner.pk}/change/")

    assert violations.seen == []
