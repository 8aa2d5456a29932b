"""Gradebook numbers (selectors), the instructor gradebook page and CSV, the learner's grades
page and the grades API, and who may see which."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import lab_services, selectors
from assessments.models import Attempt, Quiz
from learning import services as learning_services
from learning.models import Enrollment
from tests.assessments.builders import build_lab, build_quiz, place, question
from tests.assessments.grading_helpers import learner, take
from tests.learning.clients import session_client

pytestmark = pytest.mark.django_db


def two_question_quiz(title, **settings) -> Quiz:
    return build_quiz(
        title=title,
        questions=[question("single_choice", block_id=f"{title}-1"), question("true_false", block_id=f"{title}-2")],
        **settings,
    )


@pytest.fixture
def course_setup(make_course, instructor):
    """A course taught by `instructor`: a highest-policy quiz (lesson 2), then a latest-policy
    quiz and a two-flag lab (lesson 3)."""
    built = make_course(modules=1, lessons=3, instructors=[instructor])
    highest = two_question_quiz("Highest", score_policy=Quiz.ScorePolicy.HIGHEST, max_attempts=3)
    latest = two_question_quiz("Latest", score_policy=Quiz.ScorePolicy.LATEST)
    lab = build_lab(title="Lab", flags=(("One", "FLAG{one}"), ("Two", "FLAG{two}")))
    place(built.lessons[1], highest)
    place(built.lessons[2], latest, lab)
    return built, highest, latest, lab


def cell(gradebook, user, assessment):
    row = next(row for row in gradebook.rows if row.user.pk == user.pk)
    return next(
        cell
        for cell in row.cells
        if cell.column.assessment.pk == assessment.pk
        and cell.column.kind == ("quiz" if isinstance(assessment, Quiz) else "lab")
    )


# --- Selectors ---------------------------------------------------------------------------------


def test_course_assessments_come_in_lesson_order(course_setup):
    built, highest, latest, lab = course_setup
    columns = selectors.course_assessments(built.course)
    assert [(column.kind, column.assessment.pk) for column in columns] == [
        ("quiz", highest.pk),
        ("quiz", latest.pk),
        ("lab", lab.pk),
    ]
    assert columns[2].flags_total == 2 and columns[2].points_total == 20


def test_each_quiz_counts_the_highest_or_the_latest_attempt_as_its_policy_says(course_setup):
    built, highest, latest, _ = course_setup
    user = learner(built.course)
    for quiz in (highest, latest):
        take(user, quiz, right=True)  # 100%
        take(user, quiz, right={f"{quiz.title}-1": True})  # 50%

    gradebook = selectors.gradebook_for(course=built.course)

    best = cell(gradebook, user, highest)
    assert (best.percent, best.passed, best.status) == (Decimal("100.00"), True, "passed")
    assert (best.attempts_used, best.attempts_allowed) == (2, 3)
    assert (best.score, best.max_score) == (Decimal("2.00"), Decimal("2.00"))
    last = cell(gradebook, user, latest)
    assert (last.percent, last.passed, last.status) == (Decimal("50.00"), False, "failed")
    assert last.counted_attempt_id == Attempt.objects.get(quiz=latest, number=2).pk


def test_the_bulk_counted_attempt_matches_the_service(course_setup):
    built, highest, latest, _ = course_setup
    user = learner(built.course)
    for quiz in (highest, latest):
        take(user, quiz, right={f"{quiz.title}-1": True})
        take(user, quiz, right=True)
        take(user, quiz, right=False)
    from assessments import services

    enrollment = Enrollment.objects.get(user=user)
    gradebook = selectors.gradebook_for(course=built.course)
    for quiz in (highest, latest):
        assert (
            cell(gradebook, user, quiz).counted_attempt_id
            == services.quiz_counted_attempt(enrollment=enrollment, quiz=quiz).pk
        )


def test_an_invalidated_attempt_does_not_count_but_was_used(course_setup):
    built, highest, _, _ = course_setup
    user = learner(built.course)
    full = take(user, highest, right=True)
    take(user, highest, right={"Highest-1": True})
    Attempt.objects.filter(pk=full.pk).update(review_status=Attempt.ReviewStatus.INVALIDATED)

    grade = cell(selectors.gradebook_for(course=built.course), user, highest)

    assert (grade.percent, grade.passed, grade.attempts_used) == (Decimal("50.00"), False, 2)


def test_a_learner_who_has_not_started_has_empty_cells(course_setup):
    built, highest, _, lab = course_setup
    user = learner(built.course)
    gradebook = selectors.gradebook_for(course=built.course)
    quiz_grade, lab_grade = cell(gradebook, user, highest), cell(gradebook, user, lab)
    assert (quiz_grade.status, quiz_grade.percent, quiz_grade.attempts_used) == ("not_started", None, 0)
    assert (lab_grade.status, lab_grade.percent, lab_grade.flags_captured) == ("not_started", None, 0)


def test_labs_show_the_completion_score_or_the_flags_captured_so_far(course_setup):
    built, _, _, lab = course_setup
    done, halfway = learner(built.course), learner(built.course)
    for text in ("FLAG{one}", "FLAG{two}"):
        lab_services.lab_flag_submit(user=done, lab=lab, text=text)
    lab_services.lab_flag_submit(user=halfway, lab=lab, text="FLAG{two}")
    lab_services.lab_flag_submit(user=halfway, lab=lab, text="FLAG{wrong}")

    gradebook = selectors.gradebook_for(course=built.course)

    finished = cell(gradebook, done, lab)
    assert (finished.status, finished.score, finished.max_score, finished.percent) == (
        "completed",
        20,
        20,
        Decimal("100.00"),
    )
    assert finished.passed is True
    started = cell(gradebook, halfway, lab)
    assert (started.status, started.score, started.flags_captured, started.flags_total) == ("in_progress", None, 1, 2)
    assert started.passed is None


def test_an_essay_waiting_for_its_grader_is_flagged(make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(title="Essay", questions=[question("essay", block_id="e1")])
    place(built.lessons[1], quiz)
    user = learner(built.course)
    take(user, quiz, right=True)

    grade = selectors.gradebook_for(course=built.course).rows[0].cells[0]

    assert (grade.status, grade.needs_grading, grade.percent, grade.attempts_used) == ("needs_grading", True, None, 1)


def test_dropped_learners_appear_only_when_asked_for(course_setup, student, other_student):
    built, _, _, _ = course_setup
    learning_services.enrollment_create(user=student, course=built.course)
    dropped, _ = learning_services.enrollment_create(user=other_student, course=built.course)
    learning_services.enrollment_drop(enrollment=dropped)

    current = selectors.gradebook_for(course=built.course)
    everyone = selectors.gradebook_for(course=built.course, statuses=Enrollment.Status.values)

    assert [row.user.pk for row in current.rows] == [student.pk]
    assert {row.user.pk for row in everyone.rows} == {student.pk, other_student.pk}


def test_grades_for_lists_the_learners_own_current_courses(course_setup, make_course, student, other_student):
    built, highest, _, _ = course_setup
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.enrollment_create(user=other_student, course=built.course)
    take(student, highest, right=True)
    take(other_student, highest, right=False)
    left = make_course(modules=1, lessons=1).course
    dropped, _ = learning_services.enrollment_create(user=student, course=left)
    learning_services.enrollment_drop(enrollment=dropped)

    [course_grades] = selectors.grades_for(user=student)

    assert course_grades.course.pk == built.course.pk
    assert [column.title for column in course_grades.columns] == ["Highest", "Latest", "Lab"]
    assert course_grades.cells[0].percent == Decimal("100.00")


# --- Instructor gradebook page and CSV --------------------------------------------------------


def gradebook_url(course) -> str:
    return reverse("assessments_instructor:gradebook", args=(course.pk,))


def test_the_instructor_sees_the_gradebook_of_their_course(client, course_setup, instructor):
    built, highest, _, _ = course_setup
    user = learner(built.course)
    take(user, highest, right=True)
    client.force_login(instructor)

    response = client.get(gradebook_url(built.course))

    assert response.status_code == 200
    assert response.context["gradebook"].rows[0].user == user
    html = response.content.decode()
    assert user.email in html and "100%" in html and "Passed" in html
    assert reverse("assessments_instructor:quiz_statistics", args=(highest.pk,)) in html


def test_an_administrator_sees_any_gradebook(client, course_setup, administrator):
    built, _, _, _ = course_setup
    client.force_login(administrator)
    assert client.get(gradebook_url(built.course)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "?format=csv"])
def test_another_instructor_gets_404_for_the_gradebook_and_its_csv(client, course_setup, other_instructor, suffix):
    built, _, _, _ = course_setup
    client.force_login(other_instructor)
    assert client.get(gradebook_url(built.course) + suffix).status_code == 404


def test_a_student_cannot_open_a_gradebook(client, course_setup, student):
    built, _, _, _ = course_setup
    learning_services.enrollment_create(user=student, course=built.course)
    client.force_login(student)
    response = client.get(gradebook_url(built.course))
    assert response.status_code in (302, 404)
    assert student.email.encode() not in response.content


def test_the_gradebook_index_lists_only_the_instructors_courses(client, course_setup, make_course, instructor):
    built, _, _, _ = course_setup
    other = make_course(modules=1, lessons=1, title="Someone else's course").course
    client.force_login(instructor)
    html = client.get(reverse("assessments_instructor:gradebook_index")).content.decode()
    assert gradebook_url(built.course) in html
    assert gradebook_url(other) not in html


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_a_row_per_learner_and_five_columns_per_assessment(client, course_setup, instructor):
    built, highest, _, lab = course_setup
    user = learner(built.course, display_name="Ada Lovelace")
    take(user, highest, right=True)
    lab_services.lab_flag_submit(user=user, lab=lab, text="FLAG{one}")
    client.force_login(instructor)

    header, row = read_csv(client.get(gradebook_url(built.course) + "?format=csv"))

    assert header[:3] == ["Name", "Email", "Enrollment status"]
    assert header[3:8] == [
        "Highest: score",
        "Highest: max",
        "Highest: percent",
        "Highest: result",
        "Highest: attempts",
    ]
    assert header[-1] == "Lab: flags captured"
    assert row[:8] == ["Ada Lovelace", user.email, "Active", "2.00", "2.00", "100.00", "Passed", "1 of 3"]
    assert row[-5:] == ["", "", "", "In progress", "1 of 2"]


def test_the_csv_neutralises_formulas_in_names_and_titles(client, make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    quiz = build_quiz(title="@SUM(A1:A9)")
    place(built.lessons[1], quiz)
    evil = '=HYPERLINK("https://evil.example/","Click me")'
    learner(built.course, display_name=evil)
    learner(built.course, display_name="-2+3")
    client.force_login(instructor)

    rows = read_csv(client.get(gradebook_url(built.course) + "?format=csv"))

    assert rows[0][3] == "'@SUM(A1:A9): score"
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + evil, "'-2+3"}
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row)


# --- Learner grades page ----------------------------------------------------------------------


def test_the_grades_page_shows_the_learners_results_with_a_link_to_the_attempt(client, course_setup, student):
    built, highest, _, _ = course_setup
    learning_services.enrollment_create(user=student, course=built.course)
    attempt = take(student, highest, right=True)
    client.force_login(student)

    response = client.get(reverse("assessments:grades"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Highest" in html and "100%" in html and "1 of 3" in html
    assert reverse("assessments:attempt", args=(attempt.pk,)) in html


def test_the_grades_page_needs_a_sign_in(client):
    response = client.get(reverse("assessments:grades"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- API -----------------------------------------------------------------------------------------


def test_the_grades_api_gives_the_callers_grades_only(course_setup, student, other_student):
    built, highest, latest, lab = course_setup
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.enrollment_create(user=other_student, course=built.course)
    attempt = take(student, highest, right=True)
    take(other_student, latest, right=True)

    response = session_client(student).get(reverse("api-v1:grades"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    [course] = body["data"]
    assert course["course"]["id"] == built.course.pk
    assert [a["key"] for a in course["assessments"]] == [f"quiz-{highest.pk}", f"quiz-{latest.pk}", f"lab-{lab.pk}"]
    first, second, third = course["grades"]
    assert first == {
        "assessment": f"quiz-{highest.pk}",
        "status": "passed",
        "score": "2.00",
        "max_score": "2.00",
        "percent": "100.00",
        "passed": True,
        "attempts_used": 1,
        "needs_grading": False,
        "counted_attempt": attempt.pk,
        "flags_captured": None,
        "completed_at": None,
    }
    assert (second["status"], second["attempts_used"]) == ("not_started", 0)
    assert (third["status"], third["flags_captured"]) == ("not_started", 0)


def test_the_grades_api_needs_a_sign_in(api_client):
    assert api_client.get(reverse("api-v1:grades")).status_code in (401, 403)


def test_the_gradebook_api_gives_instructors_every_learner(course_setup, instructor):
    built, highest, _, _ = course_setup
    first, second = learner(built.course), learner(built.course)
    take(first, highest, right=True)

    response = session_client(instructor).get(reverse("api-v1:gradebook", args=(built.course.pk,)))

    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["pagination"]["count"] == 2
    data = body["data"]
    assert data["course"]["id"] == built.course.pk
    assert len(data["assessments"]) == 3
    rows = {row["learner"]["email"]: row for row in data["rows"]}
    assert rows[first.email]["grades"][0]["percent"] == "100.00"
    assert rows[second.email]["grades"][0]["status"] == "not_started"
    assert rows[first.email]["learner"]["display_name"] == first.get_display_name()


def test_the_gradebook_api_pages_its_rows(course_setup, instructor):
    built, _, _, _ = course_setup
    for _ in range(3):
        learner(built.course)
    url = reverse("api-v1:gradebook", args=(built.course.pk,))
    body = session_client(instructor).get(url, {"page_size": 2, "page": 2}).json()
    assert len(body["data"]["rows"]) == 1
    assert body["meta"]["pagination"]["count"] == 3


@pytest.mark.parametrize("who", ["other_instructor", "student"])
def test_the_gradebook_api_is_404_for_anyone_who_does_not_teach_the_course(course_setup, request, who):
    built, _, _, _ = course_setup
    user = request.getfixturevalue(who)
    learning_services.enrollment_create(user=user, course=built.course) if who == "student" else None
    response = session_client(user).get(reverse("api-v1:gradebook", args=(built.course.pk,)))
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_the_gradebook_api_is_open_to_administrators(course_setup, administrator):
    built, _, _, _ = course_setup
    response = session_client(administrator).get(reverse("api-v1:gradebook", args=(built.course.pk,)))
    assert response.status_code == 200
