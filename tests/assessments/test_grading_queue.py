"""The essay grading queue: what an instructor sees, grading makes the attempt final and
completes the lesson on a pass, and nobody grades outside the courses they teach."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.models import Attempt
from learning.models import LessonProgress
from tests.assessments.builders import build_quiz, place, question
from tests.assessments.grading_helpers import learner, take

pytestmark = pytest.mark.django_db

QUEUE = "assessments_instructor:grading_queue"
SCRIPT = "<script>alert('owned')</script>"


@pytest.fixture
def essay_course(make_course, instructor):
    """A quiz of one single-choice question (1 point) and one essay (4 points), pass mark 70%."""
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(
        title="Incident report",
        questions=[
            question("single_choice", block_id="sc"),
            question(
                "essay",
                block_id="essay",
                points=4,
                prompt="<p>Describe the breach.</p>",
                rubric="Timeline; root cause.",
            ),
        ],
        pass_mark_percent=70,
    )
    lesson = place(built.lessons[1], quiz)
    return built, quiz, lesson


@pytest.fixture
def waiting(essay_course):
    built, quiz, _ = essay_course
    user = learner(built.course)
    attempt = take(user, quiz, right={"sc": True, "essay": f"First {SCRIPT} then the logs."})
    assert attempt.status == Attempt.Status.NEEDS_GRADING
    return attempt


def grade_url(attempt) -> str:
    return reverse("assessments_instructor:grade_attempt", args=(attempt.pk,))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def lesson_completed(attempt) -> bool:
    return LessonProgress.objects.filter(
        enrollment=attempt.enrollment, lesson=attempt.lesson, completed_at__isnull=False
    ).exists()


def test_the_queue_shows_the_essay_with_prompt_rubric_and_the_escaped_answer(client, instructor, waiting):
    client.force_login(instructor)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Incident report" in html and waiting.user.email in html
    assert "<p>Describe the breach.</p>" in html
    assert "Timeline; root cause." in html
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html
    assert 'name="points-essay"' in html
    assert 'name="points-sc"' not in html


def test_scoring_the_last_essay_makes_the_attempt_final_and_completes_the_lesson(
    client, instructor, waiting, django_capture_on_commit_callbacks
):
    client.force_login(instructor)
    assert not lesson_completed(waiting)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(grade_url(waiting), {"points-essay": "3"})
    assert response.status_code == 302 and response["Location"].startswith(reverse(QUEUE))
    waiting.refresh_from_db()
    assert waiting.status == Attempt.Status.GRADED
    assert (str(waiting.score), str(waiting.percent), waiting.passed) == ("4.00", "80.00", True)
    assert waiting.manual_scores == {"essay": "3"}
    assert lesson_completed(waiting)
    assert any("is graded" in text and "passed" in text for text in messages_of(response))
    assert waiting.user.email not in client.get(reverse(QUEUE)).content.decode()


def test_a_failing_essay_grade_makes_the_attempt_final_without_completion(client, instructor, waiting):
    client.force_login(instructor)
    client.post(grade_url(waiting), {"points-essay": "1"})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.passed, str(waiting.percent)) == (Attempt.Status.GRADED, False, "40.00")
    assert not lesson_completed(waiting)


def test_points_above_the_maximum_are_refused_and_nothing_changes(client, instructor, waiting):
    client.force_login(instructor)
    response = client.post(grade_url(waiting), {"points-essay": "9"})
    waiting.refresh_from_db()
    assert waiting.status == Attempt.Status.NEEDS_GRADING and waiting.manual_scores == {}
    assert any(text.startswith("Not saved") for text in messages_of(response))


def test_an_attempt_stays_waiting_until_every_essay_is_scored(client, make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(
        title="Two essays", questions=[question("essay", block_id="e1"), question("essay", block_id="e2")]
    )
    place(built.lessons[1], quiz)
    attempt = take(learner(built.course), quiz, right=True)
    client.force_login(instructor)

    response = client.post(grade_url(attempt), {"points-e1": "1", "points-e2": ""})

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.NEEDS_GRADING and attempt.manual_scores == {"e1": "1"}
    assert any("still has essays to grade" in text for text in messages_of(response))


def test_another_instructor_neither_sees_nor_grades_the_attempt(client, other_instructor, waiting):
    client.force_login(other_instructor)
    html = client.get(reverse(QUEUE)).content.decode()
    assert waiting.user.email not in html
    assert client.post(grade_url(waiting), {"points-essay": "4"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Attempt.Status.NEEDS_GRADING


def test_an_administrator_grades_any_course(client, administrator, waiting):
    client.force_login(administrator)
    assert waiting.user.email in client.get(reverse(QUEUE)).content.decode()
    client.post(grade_url(waiting), {"points-essay": "4"})
    waiting.refresh_from_db()
    assert waiting.status == Attempt.Status.GRADED


def test_a_student_cannot_open_the_queue_or_grade(client, waiting):
    client.force_login(waiting.user)
    assert client.get(reverse(QUEUE)).status_code in (302, 404)
    assert client.post(grade_url(waiting), {"points-essay": "4"}).status_code in (302, 404)
    waiting.refresh_from_db()
    assert waiting.status == Attempt.Status.NEEDS_GRADING
