"""Attempt invariants under real concurrency: parallel threads, real PostgreSQL transactions."""

import pytest

from assessments import services
from assessments.models import Attempt
from learning import services as learning_services
from learning.models import Enrollment
from learning.signals import course_completed
from tests.assessments.builders import build_quiz, choices, place, question
from tests.concurrency import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_ten_parallel_submits_grade_the_attempt_once_and_complete_the_course_once(make_course, student):
    built = make_course(modules=1, lessons=1)
    quiz = build_quiz(
        questions=[question("single_choice", block_id="q", choices=choices(("yes", True), ("no", False)))]
    )
    place(built.lessons[0], quiz)
    learning_services.enrollment_create(user=student, course=built.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    right = next(c["id"] for c in attempt.questions[0]["choices"] if c["correct"])
    completions = []

    def count(sender, enrollment, **kwargs):
        completions.append(enrollment.pk)

    course_completed.connect(count, dispatch_uid="test-count-completions")
    try:
        results = run_in_threads(
            [lambda: services.attempt_submit(attempt=Attempt(pk=attempt.pk), answers={"q": right}) for _ in range(10)]
        )
    finally:
        course_completed.disconnect(dispatch_uid="test-count-completions")

    assert all(kind == "ok" for kind, _ in results), results
    graded = {(value.pk, value.submitted_at, value.score) for _, value in results}
    assert len(graded) == 1
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED
    assert len(completions) == 1


def test_parallel_starts_open_one_attempt(make_course, student):
    built = make_course(modules=1, lessons=1)
    quiz = build_quiz(max_attempts=3)
    place(built.lessons[0], quiz)
    learning_services.enrollment_create(user=student, course=built.course)

    results = run_in_threads([lambda: services.attempt_start(user=student, quiz=quiz) for _ in range(8)])

    assert all(kind == "ok" for kind, _ in results), results
    assert {value[0].pk for _, value in results} == {Attempt.objects.get(quiz=quiz).pk}
