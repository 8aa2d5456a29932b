"""The attempt lifecycle through the site and the API: start, autosave, submit, the clock."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt
from learning import services as learning_services
from learning.models import Enrollment
from tests.assessments.builders import build_quiz, choices, place, question
from tests.learning.clients import jwt_client as signed_in_api_client


@pytest.fixture
def course(make_course):
    return make_course(modules=1, lessons=2)


def _quiz_in(course, **settings):
    questions = settings.pop(
        "questions",
        [
            question("single_choice", block_id="q-port", choices=choices(("22", True), ("80", False))),
            question("short_answer", block_id="q-tool", accepted_answers=["nmap"]),
        ],
    )
    quiz = build_quiz(questions=questions, **settings)
    lesson = place(course.lessons[1], quiz)
    return quiz, lesson


def _right_choice(attempt, question_id="q-port"):
    question = next(q for q in attempt.questions if q["id"] == question_id)
    return next(c["id"] for c in question["choices"] if c["correct"])


def test_starting_twice_resumes_the_open_attempt(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    first, created = services.attempt_start(user=student, quiz=quiz)
    again, created_again = services.attempt_start(user=student, quiz=quiz)
    assert created and not created_again
    assert again.pk == first.pk


def test_an_attempt_pins_the_published_revision_and_what_it_drew(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    assert attempt.revision_id == quiz.live_revision_id
    assert [q["id"] for q in attempt.questions] == ["q-port", "q-tool"]


def test_attempt_limit_is_enforced(course, student):
    quiz, _ = _quiz_in(course, max_attempts=1)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers={})
    from assessments.exceptions import AttemptLimitReached

    with pytest.raises(AttemptLimitReached):
        services.attempt_start(user=student, quiz=quiz)


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_submitted_with_what_was_saved(course, student):
    quiz, _ = _quiz_in(course, time_limit_minutes=10)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    services.attempt_save(attempt=attempt, answers={"q-tool": "nmap"})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    from assessments.exceptions import AttemptClosed

    with pytest.raises(AttemptClosed):
        services.attempt_save(attempt=attempt, answers={"q-port": _right_choice(attempt)})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.auto_submitted
    assert attempt.answers == {"q-tool": "nmap"}
    assert attempt.score == 1


def test_the_sweep_submits_attempts_left_open_past_their_deadline(course, student):
    quiz, _ = _quiz_in(course, time_limit_minutes=5)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    services.attempt_save(attempt=attempt, answers={"q-tool": "NMAP"})
    assert services.attempts_close_expired() == 0
    assert services.attempts_close_expired(now=timezone.now() + timedelta(minutes=6)) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted, attempt.score) == (Attempt.Status.GRADED, True, 1)


def test_submitting_twice_grades_once(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    first = services.attempt_submit(attempt=attempt, answers={"q-port": _right_choice(attempt)})
    second = services.attempt_submit(attempt=attempt, answers={"q-tool": "nmap"})
    assert (second.score, second.submitted_at) == (first.score, first.submitted_at)
    assert Attempt.objects.get(pk=attempt.pk).answers == {"q-port": _right_choice(attempt)}


def test_unknown_question_ids_are_a_field_error(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    client = signed_in_api_client(student)
    response = client.put(
        reverse("api-v1:attempt-detail", args=[attempt.pk]), {"answers": {"nope": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "answers"


def test_the_api_never_shows_the_key_of_an_open_attempt(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    client = signed_in_api_client(student)
    response = client.post(reverse("api-v1:quiz-attempts", args=[quiz.pk]), {}, format="json")
    assert response.status_code == 201
    body = response.content.decode()
    for secret in ('"correct"', "accepted_answers", "nmap", "feedback"):
        assert secret not in body


def test_api_attempt_lifecycle_with_results_shown_after_submit(course, student, django_capture_on_commit_callbacks):
    quiz, lesson = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    learning_services.lesson_complete(user=student, lesson=course.lessons[0])
    client = signed_in_api_client(student)
    started = client.post(reverse("api-v1:quiz-attempts", args=[quiz.pk]), {"lesson": lesson.pk}, format="json").json()[
        "data"
    ]
    attempt = Attempt.objects.get(pk=started["id"])
    saved = client.put(
        reverse("api-v1:attempt-detail", args=[attempt.pk]), {"answers": {"q-tool": " nmap "}}, format="json"
    )
    assert saved.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            reverse("api-v1:attempt-submit", args=[attempt.pk]),
            {"answers": {"q-port": _right_choice(attempt)}},
            format="json",
        )
    data = submitted.json()["data"]
    assert (data["status"], data["passed"], data["percent"]) == ("graded", True, "100.00")
    assert data["answers_visible"] is True
    assert {q["status"] for q in data["questions"]} == {"correct"}
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED


def test_another_learners_attempt_is_a_404(course, student, other_student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    learning_services.enrollment_create(user=other_student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    client = signed_in_api_client(other_student)
    assert client.get(reverse("api-v1:attempt-detail", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("api-v1:attempt-submit", args=[attempt.pk]), {}, format="json").status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.IN_PROGRESS


def test_a_quiz_outside_the_learners_courses_is_a_404(course, other_student):
    quiz, _ = _quiz_in(course)
    client = signed_in_api_client(other_student)
    assert client.get(reverse("api-v1:quiz-detail", args=[quiz.pk])).status_code == 404
    assert client.post(reverse("api-v1:quiz-attempts", args=[quiz.pk]), {}, format="json").status_code == 404


def test_site_attempt_autosaves_and_submits(client, course, student, django_capture_on_commit_callbacks):
    quiz, lesson = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    client.force_login(student)
    page = client.get(reverse("assessments:quiz", args=[quiz.pk]), {"lesson": lesson.pk})
    assert page.status_code == 200
    started = client.post(reverse("assessments:attempt-start", args=[quiz.pk]), {"lesson": lesson.pk})
    attempt = Attempt.objects.get(user=student)
    assert started.url == reverse("assessments:attempt", args=[attempt.pk])
    taking = client.get(started.url)
    assert taking.status_code == 200
    assert b"accepted_answers" not in taking.content and b"nmap" not in taking.content
    saved = client.post(reverse("assessments:attempt-save", args=[attempt.pk]), {"q-q-tool": "nmap"})
    assert saved.status_code == 200, saved.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:attempt-submit", args=[attempt.pk]), {"q-q-port": _right_choice(attempt)})
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == (Attempt.Status.GRADED, True)
    result = client.get(reverse("assessments:attempt", args=[attempt.pk]))
    assert b"100%" in result.content or b"100.00%" in result.content


def test_absurd_answer_payloads_are_a_400_not_a_500(course, student):
    quiz, _ = _quiz_in(course)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    client = signed_in_api_client(student)
    url = reverse("api-v1:attempt-detail", args=[attempt.pk])
    nested = '{"answers": {"q-tool": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    response = client.put(url, nested, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
    huge = client.put(url, {"answers": {"q-tool": ["x" * 1000] * 300}}, format="json")
    assert huge.status_code == 400
    assert huge.json()["errors"][0]["field"] == "answers"


def test_regrading_gives_an_open_attempt_the_fixed_key(course, student):
    from tests.assessments.builders import quiz_update

    wrong_key = [question("short_answer", block_id="q-tool", accepted_answers=["telnet"])]
    quiz, _ = _quiz_in(course, questions=wrong_key)
    learning_services.enrollment_create(user=student, course=course.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    quiz_update(quiz, questions=[question("short_answer", block_id="q-tool", accepted_answers=["nmap"])])
    services.quiz_regrade(quiz=quiz)
    attempt = services.attempt_submit(attempt=attempt, answers={"q-tool": "nmap"})
    assert attempt.score == 1
