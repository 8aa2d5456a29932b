"""Invariants under real concurrency: real PostgreSQL transactions from parallel threads."""

import pytest

from learning import services
from learning.exceptions import CourseFull
from learning.models import Enrollment
from learning.signals import course_completed
from tests.concurrency import run_in_threads
from tests.factories import UserFactory
from tests.learning.clients import jwt_client

# serialized_rollback: a transactional test flushes the tables; this restores what the
# migrations created (the Wagtail root page, the role groups) for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_parallel_enrollments_for_the_last_five_seats(make_course):
    built = make_course(modules=1, lessons=1, capacity=10)
    for _ in range(5):
        services.enrollment_create(user=UserFactory(), course=built.course)
    learners = [UserFactory() for _ in range(20)]

    results = run_in_threads(
        [lambda learner=learner: services.enrollment_create(user=learner, course=built.course) for learner in learners]
    )

    succeeded = [value for kind, value in results if kind == "ok"]
    refused = [value for kind, value in results if kind == "error"]
    assert len(succeeded) == 5
    assert len(refused) == 15
    assert all(isinstance(error, CourseFull) for error in refused), refused
    assert Enrollment.objects.filter(course=built.course, status=Enrollment.Status.ACTIVE).count() == 10


def test_twenty_parallel_enroll_requests_through_the_api_for_the_last_five_seats(make_course):
    """The same invariant as learners meet it: 20 POST /api/v1/enrollments/ at once, each
    its own request and transaction, for the last 5 seats: five 201s and fifteen course_full."""
    built = make_course(modules=1, lessons=1, capacity=6)
    services.enrollment_create(user=UserFactory(), course=built.course)
    clients = [jwt_client(UserFactory()) for _ in range(20)]
    body = {"course": built.course.pk}

    results = run_in_threads(
        [lambda client=client: client.post("/api/v1/enrollments/", body, format="json") for client in clients]
    )

    assert [kind for kind, _ in results] == ["ok"] * 20, results
    answers = sorted(
        (response.status_code, response.json()["errors"][0]["code"] if response.status_code != 201 else "")
        for _, response in results
    )
    assert answers == [(201, "")] * 5 + [(409, "course_full")] * 15
    assert Enrollment.objects.filter(course=built.course, status=Enrollment.Status.ACTIVE).count() == 6


def test_the_same_enroll_request_in_parallel_gives_one_enrollment(make_course, student):
    built = make_course(modules=1, lessons=1)
    results = run_in_threads([lambda: services.enrollment_create(user=student, course=built.course)] * 5)
    assert [kind for kind, _ in results] == ["ok"] * 5
    assert sum(1 for _, (enrollment, created) in results if created) == 1
    assert Enrollment.objects.filter(user=student, course=built.course).count() == 1


def test_completion_fires_once_when_the_last_two_lessons_complete_together(make_course, student):
    built = make_course(modules=1, lessons=3)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    fired = []
    course_completed.connect(
        lambda sender, enrollment, **kwargs: fired.append(enrollment.pk),
        weak=False,
        dispatch_uid="test-concurrent-completion",
    )
    try:
        results = run_in_threads(
            [
                lambda lesson=lesson: services.lesson_complete(user=student, lesson=lesson)
                for lesson in built.lessons[1:]
            ]
        )
    finally:
        course_completed.disconnect(dispatch_uid="test-concurrent-completion")
    assert [kind for kind, _ in results] == ["ok", "ok"]
    enrollment = Enrollment.objects.get(user=student, course=built.course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_lessons == 3
    assert fired == [enrollment.pk]
