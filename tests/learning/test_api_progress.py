"""/api/v1/progress/: read own progress, mark a lesson complete, video beacons (≤ 3 queries)."""

import pytest

from learning import services
from learning.models import Enrollment, LessonProgress
from learning.selectors import lesson_course_id
from tests.assessments.builders import build_quiz, place
from tests.learning.clients import jwt_client, session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress/"
COMPLETE_URL = "/api/v1/progress/complete/"
VIDEO_URL = "/api/v1/progress/video/"


def _error(response) -> dict:
    [error] = response.json()["errors"]
    return error


@pytest.fixture
def enrolled(make_course, student):
    """A 2 × 2 course the student is enrolled in."""
    built = make_course(modules=2, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    return built


# --- GET progress ------------------------------------------------------------------------------


def test_progress_lists_completed_lessons_percent_and_positions(enrolled, student):
    first, second = enrolled.lessons[:2]
    services.lesson_complete(user=student, lesson=first)
    services.video_progress_report(user=student, lesson_id=second.pk, position=42.5, duration=600)
    response = session_client(student).get(URL, {"course": enrolled.course.pk})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["course"] == {"id": enrolled.course.pk, "title": enrolled.course.title, "url": enrolled.course.url}
    assert data["enrollment"]["status"] == "active"
    assert data["completed_lesson_ids"] == [first.pk]
    assert (data["completed_lessons"], data["lesson_count"], data["percent"]) == (1, 4, 25)
    assert data["positions"] == [{"lesson": second.pk, "position": 42.5}]
    assert data["continue_lesson"]["id"] == second.pk


def test_progress_without_an_enrollment_is_not_enrolled(enrolled, other_student):
    response = session_client(other_student).get(URL, {"course": enrolled.course.pk})
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"


def test_progress_needs_the_course_parameter(catalog, student):
    response = session_client(student).get(URL)
    assert response.status_code == 400
    assert (_error(response)["code"], _error(response)["field"]) == ("required", "course")


def test_progress_of_an_unknown_course_is_400_naming_the_field(catalog, student):
    response = session_client(student).get(URL, {"course": 999999})
    assert response.status_code == 400
    assert _error(response)["field"] == "course"


def test_progress_shows_only_the_callers_own(enrolled, student, other_student):
    services.enrollment_create(user=other_student, course=enrolled.course)
    services.lesson_complete(user=other_student, lesson=enrolled.lessons[0])
    data = session_client(student).get(URL, {"course": enrolled.course.pk}).json()["data"]
    assert data["completed_lesson_ids"] == []
    assert data["enrollment"]["id"] == Enrollment.objects.get(user=student).pk


# --- complete a lesson -------------------------------------------------------------------------


def test_complete_answers_the_progress(enrolled, student):
    lesson = enrolled.lessons[1]
    response = session_client(student).post(COMPLETE_URL, {"lesson": lesson.pk}, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["completed_lesson_ids"] == [lesson.pk]
    assert data["percent"] == 25
    assert data["enrollment"]["status"] == "active"
    assert LessonProgress.objects.get(enrollment__user=student).completed_at is not None


def test_completing_the_last_lesson_completes_the_enrollment(enrolled, student):
    client = session_client(student)
    for lesson in enrolled.lessons:
        response = client.post(COMPLETE_URL, {"lesson": lesson.pk}, format="json")
    data = response.json()["data"]
    assert (data["percent"], data["enrollment"]["status"]) == (100, "completed")
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED


def test_complete_is_idempotent(enrolled, student):
    client = session_client(student)
    lesson = enrolled.lessons[0]
    client.post(COMPLETE_URL, {"lesson": lesson.pk}, format="json")
    response = client.post(COMPLETE_URL, {"lesson": lesson.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["completed_lessons"] == 1
    assert LessonProgress.objects.count() == 1


def test_complete_without_an_enrollment_is_not_enrolled_and_stores_nothing(enrolled, other_student):
    response = session_client(other_student).post(COMPLETE_URL, {"lesson": enrolled.lessons[0].pk}, format="json")
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


def test_complete_in_a_dropped_enrollment_is_not_enrolled(enrolled, student):
    services.enrollment_drop(enrollment=Enrollment.objects.get(user=student))
    response = session_client(student).post(COMPLETE_URL, {"lesson": enrolled.lessons[0].pk}, format="json")
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"


def test_complete_of_an_unknown_lesson_is_400_naming_the_field(enrolled, student):
    response = session_client(student).post(COMPLETE_URL, {"lesson": 999999}, format="json")
    assert response.status_code == 400
    assert (_error(response)["code"], _error(response)["field"]) == ("does_not_exist", "lesson")


def test_complete_works_with_a_jwt(enrolled, student):
    response = jwt_client(student).post(COMPLETE_URL, {"lesson": enrolled.lessons[0].pk}, format="json")
    assert response.status_code == 200


# --- video beacons -----------------------------------------------------------------------------


def test_video_report_stores_the_position(enrolled, student):
    lesson = enrolled.lessons[0]
    response = session_client(student).post(
        VIDEO_URL, {"lesson": lesson.pk, "position": 30.5, "duration": 300}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"lesson": lesson.pk, "position": 30.5, "duration": 300.0, "completed": False}
    progress = LessonProgress.objects.get(lesson=lesson)
    assert (progress.video_position, progress.completed_at) == (30.5, None)


def test_video_report_at_ninety_percent_completes_the_lesson(enrolled, student):
    lesson = enrolled.lessons[0]
    response = session_client(student).post(
        VIDEO_URL, {"lesson": lesson.pk, "position": 270, "duration": 300}, format="json"
    )
    assert response.json()["data"]["completed"] is True
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None
    assert Enrollment.objects.get(user=student).completed_lessons == 1


def test_video_position_is_clamped_to_the_duration(enrolled, student):
    lesson = enrolled.lessons[0]
    response = session_client(student).post(
        VIDEO_URL, {"lesson": lesson.pk, "position": 999, "duration": 300}, format="json"
    )
    assert response.json()["data"]["position"] == 300
    assert LessonProgress.objects.get(lesson=lesson).video_position == 300


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"position": -1, "duration": 300}, "position", "min_value"),
        ({"position": 10, "duration": 0}, "duration", "min_value"),
        ({"position": "soon", "duration": 300}, "position", "invalid"),
        ({"duration": 300}, "position", "required"),
    ],
    ids=["negative-position", "zero-duration", "not-a-number", "missing-position"],
)
def test_video_report_rejects_bad_numbers(enrolled, student, body, field, code):
    response = session_client(student).post(VIDEO_URL, {"lesson": enrolled.lessons[0].pk, **body}, format="json")
    assert response.status_code == 400
    assert (_error(response)["field"], _error(response)["code"]) == (field, code)
    assert not LessonProgress.objects.exists()


def test_video_report_rejects_nan(enrolled, student):
    body = f'{{"lesson": {enrolled.lessons[0].pk}, "position": NaN, "duration": 300}}'
    response = session_client(student).post(VIDEO_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert not LessonProgress.objects.exists()


def test_video_report_for_an_unknown_lesson_is_400_naming_the_field(enrolled, student):
    response = session_client(student).post(
        VIDEO_URL, {"lesson": 999999, "position": 1, "duration": 300}, format="json"
    )
    assert response.status_code == 400
    assert (_error(response)["field"], _error(response)["code"]) == ("lesson", "does_not_exist")


def test_video_report_without_an_enrollment_is_not_enrolled(enrolled, other_student):
    response = session_client(other_student).post(
        VIDEO_URL, {"lesson": enrolled.lessons[0].pk, "position": 1, "duration": 300}, format="json"
    )
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


def test_video_report_never_touches_another_learners_progress(enrolled, student, other_student):
    lesson = enrolled.lessons[0]
    services.enrollment_create(user=other_student, course=enrolled.course)
    services.video_progress_report(user=other_student, lesson_id=lesson.pk, position=100, duration=300)
    session_client(student).post(VIDEO_URL, {"lesson": lesson.pk, "position": 5, "duration": 300}, format="json")
    assert LessonProgress.objects.get(enrollment__user=other_student).video_position == 100
    assert LessonProgress.objects.get(enrollment__user=student).video_position == 5


def test_video_report_needs_a_signed_in_user(enrolled, api_client):
    response = api_client.post(VIDEO_URL, {"lesson": enrolled.lessons[0].pk, "position": 1, "duration": 9})
    assert response.status_code == 401


@pytest.mark.parametrize("make_client", [session_client, jwt_client], ids=["session", "jwt"])
@pytest.mark.parametrize(("modules", "lessons"), [(1, 1), (5, 6)])
def test_video_beacon_costs_at_most_three_queries(
    make_course, student, django_assert_max_num_queries, make_client, modules, lessons
):
    built = make_course(modules=modules, lessons=lessons)
    services.enrollment_create(user=student, course=built.course)
    lesson = built.lessons[-1]
    lesson_course_id(lesson.pk)  # opening the lesson page caches its course
    client = make_client(student)
    client.post(VIDEO_URL, {"lesson": lesson.pk, "position": 1, "duration": 600}, format="json")  # session to cache
    # user, enrollment, upsert.
    with django_assert_max_num_queries(3):
        response = client.post(VIDEO_URL, {"lesson": lesson.pk, "position": 12.5, "duration": 600}, format="json")
    assert response.status_code == 200
    assert LessonProgress.objects.get(lesson=lesson).video_position == 12.5


def test_beacons_past_ninety_percent_of_a_completed_lesson_stay_within_three_queries(
    enrolled, student, django_assert_max_num_queries
):
    lesson = enrolled.lessons[0]
    lesson_course_id(lesson.pk)
    client = session_client(student)
    first = client.post(VIDEO_URL, {"lesson": lesson.pk, "position": 91, "duration": 100}, format="json")
    assert first.json()["data"]["completed"] is True
    with django_assert_max_num_queries(3):
        again = client.post(VIDEO_URL, {"lesson": lesson.pk, "position": 95, "duration": 100}, format="json")
    assert again.json()["data"]["completed"] is False  # it was complete already: nothing re-run
    assert LessonProgress.objects.get(lesson=lesson).video_position == 95


def test_complete_of_an_assessment_lesson_without_an_enrollment_is_not_enrolled(enrolled, other_student):
    """A learner outside the course is told to enroll, not what completes the lesson."""
    lesson = place(enrolled.lessons[0], build_quiz())
    response = session_client(other_student).post(COMPLETE_URL, {"lesson": lesson.pk}, format="json")
    assert response.status_code == 403
    assert _error(response)["code"] == "not_enrolled"
