"""Quiz statistics in the admin: figures on a small hand-computed set, and who may see them.

The set: q1 (single choice, 2 points), q2 (true/false, 2 points), q3 (single choice, 1 point),
pass mark 50%. Three learners:
    A: q1 right                 → 2/5 = 40%
    B: q1 and q2 right          → 4/5 = 80%
    C: q3 right                 → 1/5 = 20%
plus an invalidated attempt with everything right (not counted).
With 3 attempts each group (27%) holds 1 attempt: upper = B, lower = C.
    q1: difficulty 2/3 = 0.67, discrimination 1 - 0 = 1.00
    q2: difficulty 1/3 = 0.33, discrimination 1 - 0 = 1.00
    q3: difficulty 1/3 = 0.33, discrimination 0 - 1 = -1.00 (the strongest learner missed it)
Attempts 3, mean (40 + 80 + 20) / 3 = 46.67%, pass rate 1/3 = 0.33.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import selectors
from assessments.models import Attempt
from tests.assessments.builders import build_quiz, place, question
from tests.assessments.grading_helpers import learner, take

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def stats_course(make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(
        title="Ports",
        questions=[
            question("single_choice", block_id="q1", points=2, prompt="<p>Which port does <b>SSH</b> use?</p>"),
            question("true_false", block_id="q2", points=2, prompt="<p>DNS uses port 53.</p>"),
            question("single_choice", block_id="q3", points=1, prompt="<p>Which port does HTTPS use?</p>"),
        ],
        pass_mark_percent=50,
    )
    place(built.lessons[1], quiz)
    take(learner(built.course), quiz, right={"q1": True})
    take(learner(built.course), quiz, right={"q1": True, "q2": True})
    take(learner(built.course), quiz, right={"q3": True})
    cheat = take(learner(built.course), quiz, right=True)
    Attempt.objects.filter(pk=cheat.pk).update(review_status=Attempt.ReviewStatus.INVALIDATED)
    return built, quiz


def statistics_url(quiz) -> str:
    return reverse("assessments_instructor:quiz_statistics", args=(quiz.pk,))


def test_quiz_statistics_match_the_hand_computed_figures(stats_course):
    _, quiz = stats_course
    stats = selectors.quiz_statistics(quiz=quiz, attempts=Attempt.objects.all())
    assert (stats.attempt_count, stats.mean_percent, stats.pass_rate) == (3, D("46.67"), D("0.33"))
    rows = [(q.question_id, q.responses, q.difficulty, q.discrimination) for q in stats.questions]
    assert rows == [
        ("q1", 3, D("0.67"), D("1.00")),
        ("q2", 3, D("0.33"), D("1.00")),
        ("q3", 3, D("0.33"), D("-1.00")),
    ]
    assert stats.questions[0].prompt == "<p>Which port does <b>SSH</b> use?</p>"
    assert stats.questions[1].type == "true_false"


def test_the_statistics_page_shows_each_question_with_its_prompt(client, instructor, stats_course):
    _, quiz = stats_course
    client.force_login(instructor)
    response = client.get(statistics_url(quiz))
    assert response.status_code == 200
    assert response.context["stats"].attempt_count == 3
    html = response.content.decode()
    assert "Which port does SSH use?" in html
    assert "-1.00" in html and "46.67%" in html and "33%" in html
    assert "Regrade all attempts with the current answer key" in html


def test_an_instructor_sees_only_the_attempts_of_the_courses_they_teach(
    client, make_course, instructor, other_instructor, stats_course
):
    _, quiz = stats_course
    elsewhere = make_course(modules=1, lessons=2, instructors=[other_instructor])
    place(elsewhere.lessons[1], quiz)
    take(learner(elsewhere.course), quiz, right=True)
    client.force_login(other_instructor)
    assert client.get(statistics_url(quiz)).context["stats"].attempt_count == 1
    client.force_login(instructor)
    assert client.get(statistics_url(quiz)).context["stats"].attempt_count == 3


def test_an_administrator_sees_every_attempt(client, administrator, stats_course):
    _, quiz = stats_course
    client.force_login(administrator)
    response = client.get(statistics_url(quiz))
    assert response.status_code == 200 and response.context["stats"].attempt_count == 3


def test_an_instructor_of_no_course_using_the_quiz_gets_404(client, other_instructor, stats_course):
    _, quiz = stats_course
    client.force_login(other_instructor)
    assert client.get(statistics_url(quiz)).status_code == 404


def test_a_student_cannot_see_statistics(client, student, stats_course):
    _, quiz = stats_course
    client.force_login(student)
    assert client.get(statistics_url(quiz)).status_code in (302, 404)


def test_the_quiz_listing_links_to_the_statistics(client, instructor, stats_course):
    _, quiz = stats_course
    client.force_login(instructor)
    response = client.get(reverse("wagtailsnippets_assessments_quiz:list"))
    assert response.status_code == 200
    assert statistics_url(quiz) in response.content.decode()


def test_the_grading_menu_is_shown_to_instructors(client, instructor):
    client.force_login(instructor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("assessments_instructor:gradebook_index") in html
    assert reverse("assessments_instructor:grading_queue") in html
