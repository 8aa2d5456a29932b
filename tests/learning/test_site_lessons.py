"""Lesson access (the before_serve_page hook), marking lessons complete and the video resume data."""

import json
import re

import pytest

from learning import services
from learning.models import Enrollment, LessonProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(make_course):
    return make_course(modules=1, lessons=3)


def test_non_enrolled_learner_gets_the_locked_page(client, built, student):
    client.force_login(student)
    response = client.get(built.lessons[1].url)
    assert response.status_code == 403
    assert response.templates[0].name == "learning/lesson_locked.html"
    html = response.content.decode()
    assert "Enroll to read this lesson" in html
    assert f'action="/learning/courses/{built.course.pk}/enroll/"' in html
    assert "Reading a packet capture" not in html  # the body stays hidden


def test_preview_lesson_is_open_to_everyone(client, built):
    response = client.get(built.lessons[0].url)
    assert response.status_code == 200
    assert "Reading a packet capture" in response.content.decode()


def test_enrolled_learner_reads_every_lesson(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    client.force_login(student)
    response = client.get(built.lessons[2].url)
    assert response.status_code == 200
    assert "Reading a packet capture" in response.content.decode()


def test_anonymous_visitor_on_a_locked_lesson_sees_a_login_link(client, built):
    lesson = built.lessons[1]
    response = client.get(lesson.url)
    assert response.status_code == 403
    assert f'href="/accounts/login/?next={lesson.url.replace("/", "%2F")}"' in response.content.decode()


def test_enrolling_from_the_locked_page_returns_to_the_lesson(client, built, student):
    lesson = built.lessons[1]
    client.force_login(student)
    client.get(lesson.url)
    response = client.post(f"/learning/courses/{built.course.pk}/enroll/", {"next": lesson.url})
    assert response["Location"] == lesson.url
    assert client.get(lesson.url).status_code == 200


def test_dropped_learner_is_locked_out_again(client, built, student):
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.enrollment_drop(enrollment=enrollment)
    client.force_login(student)
    assert client.get(built.lessons[1].url).status_code == 403


def test_instructor_of_the_course_reads_lessons_without_enrolling(client, make_course, instructor):
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    client.force_login(instructor)
    assert client.get(built.lessons[1].url).status_code == 200


def test_archived_course_stays_readable_for_enrolled_learners(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    built.course.archived = True
    built.course.save_revision().publish()
    client.force_login(student)
    assert client.get(built.lessons[2].url).status_code == 200


def test_admin_preview_of_a_locked_lesson_is_unaffected(client, built, administrator):
    client.force_login(administrator)
    lesson = built.lessons[1]
    response = client.get(f"/admin/pages/{lesson.pk}/revisions/{lesson.latest_revision_id}/view/")
    assert response.status_code == 200
    assert "Reading a packet capture" in response.content.decode()


def test_opening_a_lesson_records_where_to_continue(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    client.force_login(student)
    client.get(built.lessons[2].url)
    enrollment = Enrollment.objects.get(user=student)
    assert enrollment.last_lesson_id == built.lessons[2].pk
    assert enrollment.last_activity_at is not None


def test_mark_complete_updates_progress(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    client.force_login(student)
    lesson = built.lessons[0]

    response = client.post(f"/learning/lessons/{lesson.pk}/complete/", follow=True)

    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None
    html = response.content.decode()
    assert "Completed ✓" in html
    assert 'data-testid="mark-complete"' not in html
    assert 'value="33"' in html  # 1 of 3 lessons


def test_completing_the_last_lesson_congratulates_the_learner(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    for lesson in built.lessons[:-1]:
        services.lesson_complete(user=student, lesson=lesson)
    client.force_login(student)

    response = client.post(f"/learning/lessons/{built.lessons[-1].pk}/complete/", follow=True)

    assert f"You completed {built.course.title}!" in response.content.decode()
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED


def test_completing_a_lesson_again_does_not_congratulate_twice(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    for lesson in built.lessons:
        services.lesson_complete(user=student, lesson=lesson)
    client.force_login(student)
    response = client.post(f"/learning/lessons/{built.lessons[-1].pk}/complete/", follow=True)
    assert "You completed" not in response.content.decode()


def test_mark_complete_without_enrollment_is_refused_with_a_message(client, built, student):
    client.force_login(student)
    lesson = built.lessons[0]  # the preview: readable, but not enrolled
    response = client.post(f"/learning/lessons/{lesson.pk}/complete/", follow=True)
    assert "Enroll in this course first." in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_mark_complete_refuses_get(client, built, student):
    client.force_login(student)
    assert client.get(f"/learning/lessons/{built.lessons[0].pk}/complete/").status_code == 405


def test_sidebar_marks_completed_lessons(client, built, student):
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    client.force_login(student)
    html = client.get(built.lessons[1].url).content.decode()
    sidebar = html[html.index('class="lesson-sidebar"') :]
    assert sidebar.count('data-testid="lesson-complete"') == 1


def test_saved_video_position_is_rendered_for_the_player(client, built, student):
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    lesson = built.lessons[1]
    LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, video_position=42.5, video_duration=600)
    client.force_login(student)

    html = client.get(lesson.url).content.decode()

    data = json.loads(re.search(r'<script id="lesson-progress" type="application/json">(.*?)</script>', html).group(1))
    assert data == {"lesson": lesson.pk, "position": 42.5, "beacon_url": "/api/v1/progress/video/"}
    assert "js/learning.js" in html


def test_no_learner_data_on_a_preview_lesson_for_visitors(client, built):
    html = client.get(built.lessons[0].url).content.decode()
    assert 'id="lesson-progress"' not in html
    assert "learning.js" not in html


def test_lesson_marks_are_per_learner(client, built, student, other_student):
    for user in (student, other_student):
        services.enrollment_create(user=user, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    client.force_login(other_student)
    html = client.get(built.lessons[0].url).content.decode()
    assert 'data-testid="mark-complete"' in html
    assert 'data-testid="lesson-complete"' not in html
