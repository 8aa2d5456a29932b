"""Regrading after fixing a wrong answer key, from the statistics page: scores change, lesson
completion follows (a pass turned into a fail takes it back), and only those who teach a
course using the quiz may start it."""

import copy

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.models import Attempt
from learning.models import LessonProgress
from tests.assessments.builders import build_quiz, choices, place, question, quiz_update
from tests.assessments.grading_helpers import learner, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrong_key(make_course, instructor):
    """A one-question quiz whose key says SSH runs on port 80; one learner answers 22 (truly
    right, graded wrong), another 80 (truly wrong, graded right: their lesson completes)."""
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    raw = [
        question(
            "single_choice",
            block_id="ssh",
            prompt="<p>Which port does SSH use?</p>",
            choices=choices(("Port 22", False), ("Port 80", True)),
        )
    ]
    quiz = build_quiz(title="SSH", questions=raw, pass_mark_percent=70)
    lesson = place(built.lessons[1], quiz)
    port_22, port_80 = (item["id"] for item in raw[0]["value"]["choices"])
    knows = learner(built.course)
    guesses = learner(built.course)
    right = take(knows, quiz, right={"ssh": port_22})
    wrong = take(guesses, quiz, right={"ssh": port_80})
    assert (right.passed, wrong.passed) == (False, True)
    assert completed(wrong) and not completed(right)
    return quiz, raw, right, wrong, lesson


def completed(attempt) -> bool:
    return LessonProgress.objects.filter(
        enrollment=attempt.enrollment, lesson=attempt.lesson, completed_at__isnull=False
    ).exists()


def fix_key(quiz, raw):
    fixed = copy.deepcopy(raw)
    for item in fixed[0]["value"]["choices"]:
        item["value"]["correct"] = not item["value"]["correct"]
    return quiz_update(quiz, questions=fixed)


def regrade_url(quiz) -> str:
    return reverse("assessments_instructor:quiz_regrade", args=(quiz.pk,))


@pytest.mark.usefixtures("celery_inline")
def test_regrading_after_fixing_the_key_updates_scores_and_completion(
    client, instructor, wrong_key, django_capture_on_commit_callbacks
):
    quiz, raw, right, wrong, _ = wrong_key
    fix_key(quiz, raw)
    client.force_login(instructor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(regrade_url(quiz))

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments_instructor:quiz_statistics", args=(quiz.pk,))
    right.refresh_from_db()
    wrong.refresh_from_db()
    assert (str(right.percent), right.passed) == ("100.00", True)
    assert (str(wrong.percent), wrong.passed) == ("0.00", False)
    assert completed(right)
    assert not completed(wrong)  # the pass turned into a fail: the completion is withdrawn
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("2 attempt(s), 2 changed, 1 now passed, 1 now failed" in text for text in texts)


@pytest.mark.usefixtures("celery_inline")
def test_the_gradebook_shows_the_regraded_scores(client, instructor, wrong_key, django_capture_on_commit_callbacks):
    quiz, raw, right, wrong, _ = wrong_key
    fix_key(quiz, raw)
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(regrade_url(quiz))
    course = right.enrollment.course
    gradebook = client.get(reverse("assessments_instructor:gradebook", args=(course.pk,))).context["gradebook"]
    by_user = {row.user.pk: row.cells[0] for row in gradebook.rows}
    assert (by_user[right.user_id].status, by_user[wrong.user_id].status) == ("passed", "failed")


@pytest.mark.usefixtures("celery_inline")
def test_the_regrade_is_queued_only_after_the_request_commits(
    client, instructor, wrong_key, django_capture_on_commit_callbacks
):
    quiz, raw, right, _, _ = wrong_key
    fix_key(quiz, raw)
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(regrade_url(quiz))
    right.refresh_from_db()
    assert right.passed is False  # nothing ran inside the request
    assert len(callbacks) == 1


def test_without_inline_celery_the_page_says_the_regrade_started(
    client, instructor, wrong_key, django_capture_on_commit_callbacks, monkeypatch
):
    from assessments import tasks

    quiz, *_ = wrong_key
    queued = []
    monkeypatch.setattr(tasks.quiz_regrade, "delay", lambda *args: queued.append(args) or object())
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(regrade_url(quiz))
    assert queued == [(quiz.pk, instructor.pk)]
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("has started" in text for text in texts)


@pytest.mark.usefixtures("celery_inline")
@pytest.mark.parametrize("who", ["other_instructor", "student"])
def test_only_those_teaching_a_course_with_the_quiz_may_regrade(
    client, request, wrong_key, django_capture_on_commit_callbacks, who
):
    quiz, raw, right, _, _ = wrong_key
    fix_key(quiz, raw)
    client.force_login(request.getfixturevalue(who))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(regrade_url(quiz))
    assert response.status_code in ((404,) if who == "other_instructor" else (302, 404))
    right.refresh_from_db()
    assert right.passed is False


def test_regrade_answers_only_post(client, instructor, wrong_key):
    quiz, *_ = wrong_key
    client.force_login(instructor)
    assert client.get(regrade_url(quiz)).status_code == 405
    assert Attempt.objects.filter(quiz=quiz).count() == 2
