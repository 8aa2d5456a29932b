import pytest

from assessments import services
from assessments.models import AssessmentPlacement, Attempt
from learning import services as learning_services
from learning.models import Enrollment
from tests.assessments.builders import build_lab, build_quiz, place, question


@pytest.fixture
def quiz_course(make_course, student):
    built = make_course(modules=1, lessons=2)
    quiz = build_quiz(questions=[question("single_choice", block_id="q1"), question("true_false", block_id="q2")])
    lesson = place(built.lessons[1], quiz)
    learning_services.enrollment_create(user=student, course=built.course)
    return built, quiz, lesson


def test_placing_a_quiz_records_where_it_sits(quiz_course):
    built, quiz, lesson = quiz_course
    placement = AssessmentPlacement.objects.get(quiz=quiz)
    assert (placement.lesson_id, placement.course_id) == (lesson.pk, built.course.pk)
    assert lesson.completes_by_assessment


def test_passing_the_quiz_completes_the_lesson_and_the_course(quiz_course, student, django_capture_on_commit_callbacks):
    built, quiz, _ = quiz_course
    learning_services.lesson_complete(user=student, lesson=built.lessons[0])
    attempt, created = services.attempt_start(user=student, quiz=quiz)
    assert created and attempt.number == 1
    right = next(c["id"] for c in attempt.questions[0]["choices"] if c["correct"])
    answers = {"q1": right, "q2": True}
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.attempt_submit(attempt=attempt, answers=answers)
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED


def test_manual_completion_of_a_quiz_lesson_is_refused(quiz_course, student):
    from learning.exceptions import AssessmentRequired

    _, _, lesson = quiz_course
    with pytest.raises(AssessmentRequired):
        learning_services.lesson_complete(user=student, lesson=lesson)


def test_a_lab_lesson_completes_only_through_its_lab(make_course, student):
    from learning.exceptions import AssessmentRequired

    built = make_course(modules=1, lessons=1)
    lesson = place(built.lessons[0], build_lab())
    learning_services.enrollment_create(user=student, course=built.course)
    assert lesson.completes_by_assessment
    with pytest.raises(AssessmentRequired):
        learning_services.lesson_complete(user=student, lesson=lesson)


def test_unpublishing_or_deleting_a_lesson_removes_its_placements(make_course):
    built = make_course(modules=1, lessons=2)
    first = place(built.lessons[0], build_quiz())
    second = place(built.lessons[1], build_lab())
    first.unpublish()
    assert not AssessmentPlacement.objects.filter(lesson=first).exists()
    second.delete()
    assert not AssessmentPlacement.objects.filter(lesson_id=second.pk).exists()
