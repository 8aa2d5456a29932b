"""Query budgets of the quiz pages and the attempt API, the same at two data sizes."""

import pytest
from django.urls import reverse

from assessments import services
from learning import services as learning_services
from tests.assessments.builders import build_quiz, place, question
from tests.factories import UserFactory
from tests.learning.clients import jwt_client

KINDS = ["single_choice", "multiple_choice", "true_false", "short_answer", "numeric", "matching", "ordering", "essay"]


def _setup(make_course, *, questions: int, past_attempts: int, other_learners: int):
    built = make_course(modules=1, lessons=2)
    quiz = build_quiz(questions=[question(KINDS[n % len(KINDS)], block_id=f"q{n}") for n in range(questions)])
    lesson = place(built.lessons[1], quiz)
    learner = UserFactory()
    learning_services.enrollment_create(user=learner, course=built.course)
    for _ in range(past_attempts):
        attempt, _ = services.attempt_start(user=learner, quiz=quiz)
        services.attempt_submit(attempt=attempt, answers={})
    for _ in range(other_learners):
        other = UserFactory()
        learning_services.enrollment_create(user=other, course=built.course)
        services.attempt_submit(attempt=services.attempt_start(user=other, quiz=quiz)[0], answers={})
    return quiz, lesson, learner


SIZES = [
    pytest.param({"questions": 2, "past_attempts": 1, "other_learners": 0}, id="small"),
    pytest.param({"questions": 24, "past_attempts": 4, "other_learners": 5}, id="large"),
]


@pytest.mark.parametrize("size", SIZES)
def test_quiz_page_budget(client, make_course, django_assert_max_num_queries, size):
    quiz, lesson, learner = _setup(make_course, **size)
    client.force_login(learner)
    url = reverse("assessments:quiz", args=[quiz.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url, {"lesson": lesson.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_attempt_page_budget(client, make_course, django_assert_max_num_queries, size):
    quiz, _, learner = _setup(make_course, **size)
    attempt, _ = services.attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    # user, attempt with quiz and lesson, site, site settings, the session; savepoints.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:attempt", args=[attempt.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_attempt_submit_budget(make_course, django_assert_max_num_queries, size):
    quiz, _, learner = _setup(make_course, **size)
    attempt, _ = services.attempt_start(user=learner, quiz=quiz)
    api = jwt_client(learner)
    url = reverse("api-v1:attempt-submit", args=[attempt.pk])
    with django_assert_max_num_queries(12):
        response = api.post(url, {"answers": {"q0": "x"}}, format="json")
    assert response.status_code == 200
