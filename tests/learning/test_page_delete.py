"""Deleting a course or lesson that holds learner history, from the Wagtail admin.

The records are PROTECTed (tests/learning/test_services.py checks the models); here the admin
refuses with a message instead of failing with a ProtectedError, for the page's own delete
view and for the explorer's bulk delete. Pages without history still delete as usual.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail.models import Page

from learning import services
from learning.models import Enrollment, LessonProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def with_history(make_course, student):
    built = make_course(modules=1, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[1])
    return built


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("which", ["course", "lesson"])
def test_delete_view_refuses_a_page_with_learner_history(admin, with_history, which):
    page = with_history.course if which == "course" else with_history.lessons[1]
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])

    opened = admin.get(url, follow=True)
    response = admin.post(url, {"confirm_site_name": "WCHI LMS"}, follow=True)

    for answer in (opened, response):
        assert answer.status_code == 200
        assert answer.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert any("cannot be deleted" in message and "Unpublish it" in message for message in _messages(answer))
    assert Page.objects.filter(pk=page.pk).exists()
    assert Enrollment.objects.count() == 1 and LessonProgress.objects.count() == 1


def test_bulk_delete_refuses_pages_with_learner_history(admin, with_history):
    lesson = with_history.lessons[1]
    explore = reverse("wagtailadmin_explore", args=[lesson.get_parent().pk])
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
        + "?"
        + urlencode({"next": explore, "id": [lesson.pk]}, doseq=True)
    )

    response = admin.post(url, follow=True)

    assert response.status_code == 200
    assert any("cannot be deleted" in message for message in _messages(response))
    assert Page.objects.filter(pk=lesson.pk).exists()


def test_a_page_without_learner_history_still_deletes(admin, make_course):
    built = make_course(modules=1, lessons=1)
    url = reverse("wagtailadmin_pages:delete", args=[built.course.pk])

    assert admin.get(url).status_code == 200
    admin.post(url, {"confirm_site_name": "WCHI LMS"})

    assert not Page.objects.filter(pk=built.course.pk).exists()
