"""Lab invariants under real concurrency: parallel threads, real PostgreSQL transactions."""

import pytest

from assessments import lab_services
from assessments.exceptions import TooManyTries
from assessments.models import LabCompletion, LabSubmission
from learning import services as learning_services
from tests.assessments.builders import build_lab, place
from tests.concurrency import run_in_threads

# serialized_rollback: a transactional test flushes the tables; this restores what the
# migrations created (the page tree root, roles) for the tests that run after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_parallel_tries_cannot_pass_the_limit(make_course, student):
    built = make_course(modules=1, lessons=1)
    lab = build_lab(max_tries_per_minute=2)
    place(built.lessons[0], lab)
    learning_services.enrollment_create(user=student, course=built.course)

    results = run_in_threads(
        [lambda: lab_services.lab_flag_submit(user=student, lab=lab, text="FLAG{wrong}") for _ in range(6)]
    )

    assert sorted(kind for kind, _ in results) == ["error"] * 4 + ["ok"] * 2, results
    assert all(isinstance(value, TooManyTries) for kind, value in results if kind == "error")
    assert LabSubmission.objects.count() == 2


def test_parallel_right_flags_complete_the_lab_once(make_course, student):
    built = make_course(modules=1, lessons=1)
    lab = build_lab(max_tries_per_minute=0)
    place(built.lessons[0], lab)
    learning_services.enrollment_create(user=student, course=built.course)

    results = run_in_threads(
        [lambda: lab_services.lab_flag_submit(user=student, lab=lab, text="FLAG{static}") for _ in range(6)]
    )

    assert all(kind == "ok" for kind, _ in results), results
    assert sum(1 for _, value in results if value.completed_now) == 1
    assert LabCompletion.objects.count() == 1
