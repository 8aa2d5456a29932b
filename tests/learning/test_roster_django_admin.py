"""Enrollments in /django-admin/ for administrators: read-mostly, writes only through services."""

import pytest
from django.contrib.messages import get_messages

from learning import services
from learning.models import Enrollment, LessonProgress

pytestmark = pytest.mark.django_db

CHANGELIST = "/django-admin/learning/enrollment/"


@pytest.fixture
def course(make_course):
    return make_course(modules=1, lessons=2)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def enrollment(course, student):
    enrollment, _ = services.enrollment_create(user=student, course=course.course)
    services.lesson_complete(user=student, lesson=course.lessons[0])
    return enrollment


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_administrators_list_enrollments_with_filters_and_search(admin_client, enrollment, other_student, make_course):
    elsewhere = make_course().course
    services.enrollment_create(user=other_student, course=elsewhere)

    listing = admin_client.get(CHANGELIST)
    found = admin_client.get(CHANGELIST, {"q": enrollment.user.email})
    by_course = admin_client.get(CHANGELIST, {"course__page_ptr__exact": elsewhere.pk})
    by_status = admin_client.get(CHANGELIST, {"status__exact": "active", "source__exact": "self"})

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2
    assert {spec.title for spec in listing.context["cl"].filter_specs} == {"status", "source", "course"}
    assert [e.pk for e in found.context["cl"].result_list] == [enrollment.pk]
    assert [e.user_id for e in by_course.context["cl"].result_list] == [other_student.pk]
    assert by_status.context["cl"].result_count == 2


def test_an_enrollment_is_read_only_with_its_lesson_progress(admin_client, enrollment):
    url = f"{CHANGELIST}{enrollment.pk}/change/"

    page = admin_client.get(url)
    posted = admin_client.post(url, {"status": "completed"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and "Lesson progress" in html
    assert posted.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_enrollments_cannot_be_added_or_deleted_here(admin_client, enrollment):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{enrollment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_drop_selected_drops_through_the_service_and_reports_errors(admin_client, enrollment, course, other_student):
    already, _ = services.enrollment_create(user=other_student, course=course.course)
    services.enrollment_drop(enrollment=already)

    response = admin_client.post(
        CHANGELIST, {"action": "drop_selected", "_selected_action": [enrollment.pk, already.pk], "index": 0}
    )

    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == "dropped" and enrollment.dropped_at is not None
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    messages = messages_of(response)
    assert f"{other_student.email} in {course.course.title}: Only an active enrollment can be dropped." in messages
    assert "Dropped 1 enrollment." in messages


@pytest.mark.parametrize(
    "model", ["enrollment", "lessonprogress", "waitlistentry", "pathenrollment", "competencyattainment"]
)
def test_learner_state_is_visible_to_administrators_and_read_only(admin_client, enrollment, model):
    response = admin_client.get(f"/django-admin/learning/{model}/")

    assert response.status_code == 200
    assert admin_client.get(f"/django-admin/learning/{model}/add/").status_code == 403


def test_staff_without_the_administrator_role_do_not_see_learner_state(client, instructor, enrollment):
    instructor.is_staff = True
    instructor.save()
    client.force_login(instructor)

    assert client.get(CHANGELIST).status_code == 403
