"""One certificate per completion under real concurrency: parallel threads, real transactions."""

import pytest

from certificates import services
from certificates.models import Certificate
from learning import services as learning_services
from learning.models import Enrollment
from tests.concurrency import run_in_threads

# serialized_rollback: a transactional test flushes the tables; this restores what the
# migrations created (the Wagtail root page, the role groups, the default template).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def no_pdf(monkeypatch):
    """Skip rendering: these tests are about the rows."""
    monkeypatch.setattr("certificates.tasks.certificate_render_pdf.delay", lambda certificate_id: None)


def test_parallel_issues_for_one_completion_give_one_certificate(make_course, student, no_pdf):
    built = make_course(modules=1, lessons=1)
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.lesson_complete(user=student, lesson=built.lessons[0])  # signal after commit: issues one
    enrollment = Enrollment.objects.get(user=student, course=built.course)
    Certificate.objects.all().delete()

    results = run_in_threads([lambda: services.certificate_issue(enrollment=enrollment)] * 6)

    assert [kind for kind, _ in results] == ["ok"] * 6, results
    assert len({certificate.pk for _, certificate in results}) == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_the_last_two_lessons_completed_together_issue_one_certificate(make_course, student, no_pdf):
    built = make_course(modules=1, lessons=3)
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.lesson_complete(user=student, lesson=built.lessons[0])

    results = run_in_threads(
        [
            lambda lesson=lesson: learning_services.lesson_complete(user=student, lesson=lesson)
            for lesson in built.lessons[1:]
        ]
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert Certificate.objects.filter(user=student).count() == 1
