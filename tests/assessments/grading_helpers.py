"""Helpers of the gradebook, grading queue, statistics and regrade tests: learners taking
quizzes through the services, with answers chosen per question, and Celery run inline."""

from __future__ import annotations

from decimal import Decimal

from accounts import roles
from assessments import grading, services
from assessments.models import Attempt
from learning import services as learning_services
from tests.factories import UserFactory


def learner(course, **fields):
    """A new student enrolled in the course."""
    user = UserFactory(roles=[roles.STUDENT], **fields)
    learning_services.enrollment_create(user=user, course=course)
    return user


def wrong_answer(question: dict):
    kind = question["type"]
    if kind == "single_choice":
        return next(choice["id"] for choice in question["choices"] if not choice["correct"])
    if kind == "true_false":
        return not question["correct"]
    if kind == "essay":
        return "An essay."
    return "wrong"


def right_answer(question: dict):
    if question["type"] == "essay":
        return "An essay that deserves full points."
    return grading.correct_answer(question)


def answers_for(attempt: Attempt, right) -> dict:
    """`right`: True/False for every question, or {question id: True/False/<raw answer>}."""
    answers = {}
    for question in attempt.questions:
        choice = right.get(question["id"], False) if isinstance(right, dict) else right
        if isinstance(choice, bool):
            answers[question["id"]] = right_answer(question) if choice else wrong_answer(question)
        else:
            answers[question["id"]] = choice
    return answers


def take(user, quiz, right=True, *, lesson=None) -> Attempt:
    """Start and submit an attempt with the answers `right` asks for."""
    attempt, _ = services.attempt_start(user=user, quiz=quiz, lesson_id=lesson.pk if lesson else None)
    return services.attempt_submit(attempt=attempt, answers=answers_for(attempt, right))


def decimal(text) -> Decimal:
    return Decimal(str(text))
