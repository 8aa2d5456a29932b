"""Query budgets of the gradebook (page, CSV, API) and of the learner's grades (page, API):
one budget for a small and a large data set.

Gradebook: 2 learners × 1 quiz, then 20 learners × 5 quizzes + 2 labs (two attempts per
learner and quiz, labs completed by half the learners and half-captured by the others).
Grades: a learner in 1 course with 1 quiz, then in 3 courses with 5 quizzes + 2 labs each.

The selector costs at most 6 queries (enrollments, placements, lab flag totals, attempts,
lab completions, captured flags); the rest is the admin's own chrome (user, permissions,
menu, profile) or the site's, the course lookup and the permission check. Measured warm on
the large set (the small one skips the 3 lab queries): gradebook page 19 (16 small), CSV 13
(10), API 11 (8); grades page 8 (5), grades API 7 (4).
"""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assessments.models import Attempt, LabCompletion, LabSubmission
from assessments.questions import questions_draw, quiz_items_plain
from learning.models import Enrollment
from tests.assessments.builders import build_lab, build_quiz, place
from tests.factories import UserFactory
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db

SMALL = {"learners": 2, "quizzes": 1, "labs": 0}
LARGE = {"learners": 20, "quizzes": 5, "labs": 2}
BUDGETS = {"page": 19, "csv": 13, "api": 11, "grades_page": 8, "grades_api": 7}


def _attempt(enrollment, quiz, lesson, number, percent, now):
    questions = questions_draw(
        quiz_items_plain(quiz.questions), rng=random.Random(0), shuffle_questions=False, shuffle_choices=False
    )
    passed = percent >= 70
    return Attempt(
        user_id=enrollment.user_id,
        quiz=quiz,
        revision=quiz.live_revision,
        enrollment=enrollment,
        lesson=lesson,
        number=number,
        status=Attempt.Status.GRADED,
        questions=questions,
        results=[
            {
                "question_id": questions[0]["id"],
                "score": "1.00" if passed else "0.00",
                "max_score": "1.00",
                "status": "correct" if passed else "incorrect",
                "feedback": "",
            }
        ],
        submitted_at=now,
        graded_at=now,
        score=1 if passed else 0,
        max_score=1,
        percent=percent,
        passed=passed,
    )


def grades_data(course, lesson, users, *, quizzes, labs):
    """Enroll `users` and give them attempts and lab progress in the placed quizzes and labs."""
    enrollments = Enrollment.objects.bulk_create(Enrollment(user=user, course=course) for user in users)
    now = timezone.now()
    attempts, completions, submissions = [], [], []
    for index, enrollment in enumerate(enrollments):
        for quiz in quizzes:
            attempts.append(_attempt(enrollment, quiz, lesson, 1, 100, now))
            attempts.append(_attempt(enrollment, quiz, lesson, 2, 0, now))
        for lab in labs:
            flag = lab.flags.first()
            submissions.append(
                LabSubmission(user_id=enrollment.user_id, lab=lab, enrollment=enrollment, flag=flag, correct=True)
            )
            if index % 2:
                completions.append(
                    LabCompletion(user_id=enrollment.user_id, enrollment=enrollment, lab=lab, score=15, max_score=20)
                )
    Attempt.objects.bulk_create(attempts)
    LabCompletion.objects.bulk_create(completions)
    LabSubmission.objects.bulk_create(submissions)


def course_with_grades(make_course, instructor, users, *, quizzes, labs):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz_list = [build_quiz(title=f"Quiz {n}") for n in range(quizzes)]
    lab_list = [build_lab(title=f"Lab {n}", flags=(("A", "FLAG{a}"), ("B", "FLAG{b}"))) for n in range(labs)]
    lesson = place(built.lessons[1], *quiz_list, *lab_list)
    grades_data(built.course, lesson, users, quizzes=quiz_list, labs=lab_list)
    return built.course


def students(count):
    return [UserFactory(roles=[roles.STUDENT]) for _ in range(count)]


def measure(get, budget, django_assert_max_num_queries) -> int:
    get()  # warm: session, site root paths, course outline
    with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["page", "csv", "api"])
def test_the_gradebook_costs_the_same_budget_for_a_small_and_a_large_course(
    client, make_course, instructor, django_assert_max_num_queries, kind
):
    counts = []
    for size in (SMALL, LARGE):
        course = course_with_grades(
            make_course, instructor, students(size["learners"]), quizzes=size["quizzes"], labs=size["labs"]
        )
        if kind == "api":
            api = session_client(instructor)
            url = reverse("api-v1:gradebook", args=(course.pk,))

            def get(api=api, url=url):
                return api.get(url, {"page_size": 100})
        else:
            client.force_login(instructor)
            url = reverse("assessments_instructor:gradebook", args=(course.pk,)) + (
                "?format=csv" if kind == "csv" else ""
            )

            def get(url=url):
                return client.get(url)

        counts.append(measure(get, BUDGETS[kind], django_assert_max_num_queries))
        response = get()
        if kind == "page":
            gradebook = response.context["gradebook"]
            assert len(gradebook.rows) == size["learners"]
            assert len(gradebook.columns) == size["quizzes"] + size["labs"]
        elif kind == "csv":
            assert response.content.decode().count("\n") == size["learners"] + 1
        else:
            assert len(response.json()["data"]["rows"]) == size["learners"]
    assert counts[1] <= counts[0] + 3, counts


@pytest.mark.parametrize("kind", ["grades_page", "grades_api"])
def test_the_learners_grades_cost_the_same_budget_for_one_course_and_many(
    client, make_course, instructor, django_assert_max_num_queries, kind
):
    counts = []
    for courses, quizzes, labs in ((1, 1, 0), (3, 5, 2)):
        [user] = students(1)
        for _ in range(courses):
            course_with_grades(make_course, instructor, [user], quizzes=quizzes, labs=labs)
        if kind == "grades_api":
            api = session_client(user)

            def get(api=api):
                return api.get(reverse("api-v1:grades"))
        else:
            client.force_login(user)

            def get():
                return client.get(reverse("assessments:grades"))

        counts.append(measure(get, BUDGETS[kind], django_assert_max_num_queries))
        response = get()
        if kind == "grades_api":
            data = response.json()["data"]
            assert [len(course["grades"]) for course in data] == [quizzes + labs] * courses
        else:
            assert response.content.decode().count('data-testid="grade-row"') == courses * (quizzes + labs)
    assert counts[1] <= counts[0] + 3, counts
