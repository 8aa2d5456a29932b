"""One certificate per completion under real concurrency: parallel threads, real transactions."""

import threading

import pytest
from django.db import close_old_connections, connection

from certificates import services
from certificates.models import Certificate
from learning import services as learning_services
from learning.models import Enrollment

# serialized_rollback: a transactional test flushes the tables; this restores what the
# migrations created (the Wagtail root page, the role groups, the default template).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run_in_threads(targets):
    """Start every target at once (a barrier), each on its own database connection."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", target())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, target)) for index, target in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


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

    results = _run_in_threads([lambda: services.certificate_issue(enrollment=enrollment)] * 6)

    assert [kind for kind, _ in results] == ["ok"] * 6, results
    assert len({certificate.pk for _, certificate in results}) == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_the_last_two_lessons_completed_together_issue_one_certificate(make_course, student, no_pdf):
    built = make_course(modules=1, lessons=3)
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.lesson_complete(user=student, lesson=built.lessons[0])

    results = _run_in_threads(
        [
            lambda lesson=lesson: learning_services.lesson_complete(user=student, lesson=lesson)
            for lesson in built.lessons[1:]
        ]
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert Certificate.objects.filter(user=student).count() == 1
