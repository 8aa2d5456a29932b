"""Course editions on the hot pages and in staff tools: the cost stays flat however many
editions and paths there are, and a staff roster never hands out another edition's record.

Editions are linked directly here (previous_edition, edition number, the older one archived),
as publishing a copy does; tests/learning/test_editions.py goes through Wagtail's copy.
"""

import pytest
from wagtail.models import PageLogEntry

from accounts import roles
from courses.models import CoursePage, LearningPath, LearningPathStep
from learning import services
from learning.models import Enrollment, WaitlistEntry
from tests.builders import publish
from tests.factories import UserFactory
from tests.learning.clients import jwt_client

pytestmark = pytest.mark.django_db


def _editions(make_course, count, *, before_linking=None, **fields):
    """`count` editions of one course, oldest first; all but the last archived.
    `before_linking(built)` runs while each is still a course of its own (to enroll someone)."""
    built = [make_course(modules=1, lessons=2, **fields) for _ in range(count)]
    if before_linking:
        before_linking(built)
    for number in range(1, count):
        CoursePage.objects.filter(pk=built[number].course.pk).update(
            previous_edition=built[number - 1].course, edition=number + 1
        )
        CoursePage.objects.filter(pk=built[number - 1].course.pk).update(archived=True)
    return built


@pytest.mark.parametrize("editions", [2, 4])
def test_a_later_editions_page_costs_the_same_for_any_number_of_editions(
    client, make_course, student, django_assert_max_num_queries, editions
):
    """Signed in, not enrolled: the page asks whether the learner holds another edition
    (the edition links, then the enrollment), two queries whatever the chain's length."""
    built = _editions(make_course, editions)
    url = CoursePage.objects.get(pk=built[-1].course.pk).url
    client.force_login(student)
    client.get(url)
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.context["learner"].state == "can_enroll"


def test_a_learner_of_an_earlier_edition_is_sent_to_it_from_the_latest(client, make_course, student):
    first, _, latest = _editions(
        make_course, 3, before_linking=lambda built: services.enrollment_create(user=student, course=built[0].course)
    )
    client.force_login(student)
    response = client.get(CoursePage.objects.get(pk=latest.course.pk).url)
    assert response.context["learner"].state == "other_edition"
    assert response.context["learner"].other_enrollment.course_id == first.course.pk


def _paths_with_editions(make_course, student, count):
    for number in range(count):
        old, _new = _editions(make_course, 2)
        after = make_course(modules=1, lessons=1)
        path = LearningPath.objects.create(
            title=f"Track {number}", slug=f"track-{number}", summary="A track.", sequential=True, published=True
        )
        LearningPathStep.objects.create(path=path, course=old.course, sort_order=0)
        LearningPathStep.objects.create(path=path, course=after.course, sort_order=1)
        services.path_enroll(user=student, path=path)


@pytest.mark.parametrize("paths", [1, 5])
@pytest.mark.parametrize(
    ("url", "budget"),
    # One query more than without editions: the edition links, read once for every path.
    [("/dashboard/", 8), ("/paths/", 7), ("/api/v1/learning-paths/", 7)],
)
def test_paths_naming_older_editions_read_the_edition_links_once(
    client, make_course, student, django_assert_max_num_queries, url, budget, paths
):
    """1 and 5 paths whose first step names an archived edition cost the same."""
    _paths_with_editions(make_course, student, paths)
    client.force_login(student)
    client.get(url)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_the_path_step_counts_the_edition_the_learner_took(client, make_course, student):
    _paths_with_editions(make_course, student, 1)
    client.force_login(student)
    data = client.get("/api/v1/learning-paths/").json()["data"]
    assert [step["state"] for step in data[0]["steps"]] == ["enrolled", "locked"]


def test_roster_enroll_of_a_learner_holding_another_edition_is_refused_without_their_record(make_course, student):
    first_teacher = UserFactory(roles=[roles.INSTRUCTOR])
    second_teacher = UserFactory(roles=[roles.INSTRUCTOR])
    first = make_course(modules=1, lessons=2, instructors=[first_teacher])
    second = make_course(modules=1, lessons=2, instructors=[second_teacher])
    services.enrollment_create(user=student, course=first.course)
    services.lesson_complete(user=student, lesson=first.lessons[0])
    CoursePage.objects.filter(pk=second.course.pk).update(previous_edition=first.course, edition=2)
    CoursePage.objects.filter(pk=first.course.pk).update(archived=True)

    api = jwt_client(second_teacher)
    assert api.get(f"/api/v1/courses/{first.course.pk}/roster/").status_code == 404
    response = api.post(f"/api/v1/courses/{second.course.pk}/roster/", {"email": student.email}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert [error["code"] for error in body["errors"]] == ["already_enrolled"]
    assert "edition 1" in body["errors"][0]["message"]
    assert "data" not in body  # no roster entry: the record belongs to an edition they may not teach
    assert Enrollment.objects.filter(user=student).count() == 1


def test_a_failing_waitlist_promotion_does_not_break_the_publish(make_course, student, monkeypatch, caplog):
    built = make_course(capacity=1)
    services.enrollment_create(user=UserFactory(), course=built.course)
    services.waitlist_join(user=student, course=built.course)
    course = CoursePage.objects.get(pk=built.course.pk)
    course.capacity = 2
    logged = PageLogEntry.objects.filter(page=course, action="wagtail.publish").count()

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "waitlist_promote", broken)
    publish(course)  # no exception reaches the editor

    assert PageLogEntry.objects.filter(page=course, action="wagtail.publish").count() == logged + 1
    assert "promotion after publishing course" in caplog.text
    assert WaitlistEntry.objects.filter(user=student).exists()  # still waiting: promoted at the next change


def _full_course_with_a_waiting_student(make_course, student, capacity=1):
    first = make_course(modules=1, lessons=1, capacity=capacity)
    for _ in range(capacity):
        services.enrollment_create(user=UserFactory(), course=first.course)
    entry = services.waitlist_join(user=student, course=first.course)
    return first, entry


def _publish_as_next_edition(make_course, previous, **fields):
    built = make_course(modules=1, lessons=1, **fields)
    CoursePage.objects.filter(pk=built.course.pk).update(previous_edition=previous.course, edition=2)
    publish(CoursePage.objects.get(pk=built.course.pk))
    return built


def test_a_new_edition_with_seats_enrolls_the_old_editions_waitlist(make_course, student):
    first, _ = _full_course_with_a_waiting_student(make_course, student)
    second = _publish_as_next_edition(make_course, first, capacity=5)

    assert CoursePage.objects.get(pk=first.course.pk).archived
    enrollment = Enrollment.objects.get(user=student, course=second.course)
    assert enrollment.source == Enrollment.Source.WAITLIST
    assert not WaitlistEntry.objects.filter(user=student).exists()


def test_a_full_new_edition_keeps_the_old_editions_waiting_learners_in_their_place(make_course, student, other_student):
    first, entry = _full_course_with_a_waiting_student(make_course, student)
    later = services.waitlist_join(user=other_student, course=first.course)
    second = _publish_as_next_edition(make_course, first, capacity=0)

    waiting = list(WaitlistEntry.objects.filter(course=second.course))
    assert [(each.user_id, each.created_at) for each in waiting] == [
        (student.pk, entry.created_at),
        (other_student.pk, later.created_at),
    ]
    assert not WaitlistEntry.objects.filter(course=first.course).exists()
    assert not Enrollment.objects.filter(user=student).exists()


def test_a_learner_waiting_in_two_earlier_editions_keeps_the_earliest_place(make_course, student, other_student):
    first, entry = _full_course_with_a_waiting_student(make_course, student)
    second = make_course(modules=1, lessons=1, capacity=0)
    later = WaitlistEntry.objects.create(user=student, course=second.course)  # e.g. joined before the links
    rival = WaitlistEntry.objects.create(user=other_student, course=second.course)
    CoursePage.objects.filter(pk=second.course.pk).update(previous_edition=first.course, edition=2)
    CoursePage.objects.filter(pk=first.course.pk).update(archived=True)
    third = make_course(modules=1, lessons=1, capacity=0)
    CoursePage.objects.filter(pk=third.course.pk).update(previous_edition=second.course, edition=3)

    publish(CoursePage.objects.get(pk=third.course.pk))

    waiting = list(WaitlistEntry.objects.filter(course=third.course))
    assert [(each.pk, each.user_id) for each in waiting] == [(entry.pk, student.pk), (rival.pk, other_student.pk)]
    assert not WaitlistEntry.objects.filter(pk=later.pk).exists()
