"""Quiz settings as learners meet them: pools, shuffles, windows, score policy, answer visibility."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.exceptions import QuizNotFound, QuizUnavailable
from assessments.models import Attempt, Quiz
from learning import services as learning_services
from tests.assessments.builders import build_quiz, choices, place, pool, question, quiz_update


@pytest.fixture
def enrolled(make_course, student):
    built = make_course(modules=1, lessons=2)
    learning_services.enrollment_create(user=student, course=built.course)
    return built


def _start(student, quiz):
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    return attempt


def _submit_right(attempt, *, right=True):
    answers = {}
    for q in attempt.questions:
        wanted = next(c["id"] for c in q["choices"] if c["correct"] is right)
        answers[q["id"]] = wanted
    return services.attempt_submit(attempt=attempt, answers=answers)


def test_a_pool_draws_the_asked_number_of_its_questions(enrolled, student):
    pooled = [question("single_choice", block_id=f"p{n}") for n in range(5)]
    quiz = build_quiz(questions=[question("true_false", block_id="fixed"), pool(*pooled, draw=2)])
    place(enrolled.lessons[1], quiz)
    attempt = _start(student, quiz)
    ids = [q["id"] for q in attempt.questions]
    assert ids[0] == "fixed"
    assert len(ids) == 3
    assert set(ids[1:]) <= {f"p{n}" for n in range(5)}


def test_shuffled_choices_keep_every_choice(enrolled, student):
    many = choices(*[(f"choice {n}", n == 0) for n in range(8)])
    quiz = build_quiz(questions=[question("single_choice", block_id="q", choices=many)], shuffle_choices=True)
    place(enrolled.lessons[1], quiz)
    orders = set()
    for _ in range(6):
        attempt = _start(student, quiz)
        orders.add(tuple(c["text"] for c in attempt.questions[0]["choices"]))
        assert sorted(c["text"] for c in attempt.questions[0]["choices"]) == sorted(f"choice {n}" for n in range(8))
        services.attempt_submit(attempt=attempt, answers={})
    # 6 draws of 8! orders all equal would mean no shuffle (chance 1 in 40,320^5).
    assert len(orders) > 1


def test_ordering_items_are_shown_out_of_order(enrolled, student):
    quiz = build_quiz(questions=[question("ordering", block_id="o", items=["a", "b", "c", "d"])])
    place(enrolled.lessons[1], quiz)
    attempt = _start(student, quiz)
    stored = attempt.questions[0]
    assert stored["display_order"] != [item["id"] for item in stored["items"]]


def test_a_quiz_outside_its_window_cannot_be_started(enrolled, student):
    now = timezone.now()
    quiz = build_quiz(available_from=now + timedelta(days=1))
    place(enrolled.lessons[1], quiz)
    with pytest.raises(QuizUnavailable):
        _start(student, quiz)


def test_an_unpublished_quiz_cannot_be_started(enrolled, student):
    quiz = build_quiz()
    place(enrolled.lessons[1], quiz)
    quiz.unpublish()
    with pytest.raises(QuizNotFound):
        _start(student, Quiz.objects.get(pk=quiz.pk))


def test_the_deadline_is_the_earlier_of_time_limit_and_window_end(enrolled, student):
    closes = timezone.now() + timedelta(minutes=5)
    quiz = build_quiz(time_limit_minutes=30, available_until=closes)
    place(enrolled.lessons[1], quiz)
    assert _start(student, quiz).deadline == closes


@pytest.mark.parametrize(
    ("policy", "expected_percent"),
    [(Quiz.ScorePolicy.HIGHEST, 100), (Quiz.ScorePolicy.LATEST, 0)],
)
def test_the_score_that_counts_follows_the_policy(enrolled, student, policy, expected_percent):
    quiz = build_quiz(score_policy=policy)
    place(enrolled.lessons[1], quiz)
    _submit_right(_start(student, quiz), right=True)
    _submit_right(_start(student, quiz), right=False)
    enrollment = Attempt.objects.filter(quiz=quiz).first().enrollment
    assert services.quiz_counted_attempt(enrollment=enrollment, quiz=quiz).percent == expected_percent


def test_a_later_failed_attempt_does_not_take_back_the_lesson(enrolled, student):
    quiz = build_quiz(score_policy=Quiz.ScorePolicy.LATEST)
    lesson = place(enrolled.lessons[1], quiz)
    _submit_right(_start(student, quiz), right=True)
    _submit_right(_start(student, quiz), right=False)
    from learning.models import LessonProgress

    assert LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("show_answers", "max_attempts", "visible_after_fail"),
    [
        (Quiz.ShowAnswers.AFTER_SUBMIT, None, True),
        (Quiz.ShowAnswers.NEVER, None, False),
        (Quiz.ShowAnswers.AFTER_LAST_ATTEMPT, 2, False),
        (Quiz.ShowAnswers.AFTER_LAST_ATTEMPT, 1, True),
        (Quiz.ShowAnswers.AFTER_CLOSE, None, False),
    ],
)
def test_answers_are_shown_as_the_quiz_says(enrolled, student, show_answers, max_attempts, visible_after_fail):
    quiz = build_quiz(show_answers=show_answers, max_attempts=max_attempts)
    place(enrolled.lessons[1], quiz)
    attempt = _submit_right(_start(student, quiz), right=False)
    assert services.attempt_answers_visible(attempt) is visible_after_fail


def test_answers_after_close_show_once_the_quiz_closed(enrolled, student):
    closes = timezone.now() + timedelta(hours=1)
    quiz = build_quiz(show_answers=Quiz.ShowAnswers.AFTER_CLOSE, available_until=closes)
    place(enrolled.lessons[1], quiz)
    attempt = _submit_right(_start(student, quiz), right=False)
    assert not services.attempt_answers_visible(attempt)
    assert services.attempt_answers_visible(attempt, now=closes + timedelta(seconds=1))


def test_a_new_quiz_version_does_not_change_a_pinned_attempt(enrolled, student):
    quiz = build_quiz(questions=[question("single_choice", block_id="q", prompt="<p>Old prompt</p>")])
    place(enrolled.lessons[1], quiz)
    attempt = _start(student, quiz)
    quiz_update(quiz, questions=[question("single_choice", block_id="q", prompt="<p>New prompt</p>")])
    attempt.refresh_from_db()
    assert attempt.questions[0]["prompt"] == "<p>Old prompt</p>"
    assert _start(student, quiz).pk == attempt.pk


def test_an_optional_quiz_leaves_the_lesson_to_mark_complete(enrolled, student):
    quiz = build_quiz(counts_toward_completion=False)
    lesson = place(enrolled.lessons[1], quiz)
    assert not lesson.completes_by_assessment
    learning_services.lesson_complete(user=student, lesson=lesson)


def test_an_essay_waits_for_the_instructor_before_the_attempt_is_final(enrolled, student, instructor):
    quiz = build_quiz(questions=[question("essay", block_id="e", points=4)], pass_mark_percent=50)
    place(enrolled.lessons[1], quiz)
    attempt = services.attempt_submit(attempt=_start(student, quiz), answers={"e": "Defense in depth means…"})
    assert (attempt.status, attempt.passed) == (Attempt.Status.NEEDS_GRADING, None)
    attempt = services.attempt_grade_essay(attempt=attempt, question_id="e", points=3, by=instructor)
    assert (attempt.status, attempt.passed, attempt.percent) == (Attempt.Status.GRADED, True, 75)


@pytest.mark.parametrize("points", ["NaN", "sNaN", "Infinity", "-1", "5", "lots"])
def test_essay_points_must_be_a_number_within_the_questions_points(enrolled, student, instructor, points):
    from django.core.exceptions import ValidationError

    quiz = build_quiz(questions=[question("essay", block_id="e", points=4)])
    place(enrolled.lessons[1], quiz)
    attempt = services.attempt_submit(attempt=_start(student, quiz), answers={"e": "An answer."})
    with pytest.raises(ValidationError) as error:
        services.attempt_grade_essay(attempt=attempt, question_id="e", points=points, by=instructor)
    assert "points" in error.value.message_dict
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.NEEDS_GRADING
