"""Learning services: enrollment rules, waitlist, progress, completion, paths, competencies."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from courses.models import LearningPath, LearningPathStep
from learning import services
from learning.exceptions import (
    AlreadyEnrolled,
    CourseFull,
    EnrollmentClosed,
    LearningError,
    NotEnrolled,
    PaymentRequired,
    PrerequisitesMissing,
)
from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment, WaitlistEntry
from learning.signals import course_completed
from tests.builders import publish
from tests.factories import CompetencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    received = []

    def receiver(sender, enrollment, **kwargs):
        received.append(enrollment.pk)

    course_completed.connect(receiver, dispatch_uid="test-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-completions")


def _complete_all(user, built):
    for lesson in built.lessons:
        services.lesson_complete(user=user, lesson=lesson)


def test_enroll_creates_an_active_enrollment(make_course, student):
    built = make_course()
    enrollment, created = services.enrollment_create(user=student, course=built.course)
    assert created
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.source == Enrollment.Source.SELF


def test_enroll_twice_gives_one_enrollment(make_course, student):
    built = make_course()
    first, created_first = services.enrollment_create(user=student, course=built.course)
    second, created_second = services.enrollment_create(user=student, course=built.course)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Enrollment.objects.filter(user=student).count() == 1


def test_full_course_refuses_enrollment(make_course, student, other_student):
    built = make_course(capacity=1)
    services.enrollment_create(user=other_student, course=built.course)
    with pytest.raises(CourseFull) as error:
        services.enrollment_create(user=student, course=built.course)
    assert error.value.get_codes() == "course_full"


def test_missing_prerequisites_are_named(make_course, student):
    basics = make_course(title="Security Fundamentals")
    networking = make_course(title="Networking for Defenders")
    soc = make_course(title="SOC Analyst Foundations")
    soc.course.prerequisites.set([basics.course, networking.course])
    soc.course.save()
    with pytest.raises(PrerequisitesMissing) as error:
        services.enrollment_create(user=student, course=soc.course)
    assert "Security Fundamentals" in str(error.value.detail)
    assert "Networking for Defenders" in str(error.value.detail)
    assert sorted(error.value.missing) == ["Networking for Defenders", "Security Fundamentals"]


def test_completed_prerequisites_open_the_course(make_course, student):
    basics = make_course(title="Security Fundamentals", modules=1, lessons=1)
    soc = make_course(title="SOC Analyst Foundations")
    soc.course.prerequisites.set([basics.course])
    soc.course.save()
    services.enrollment_create(user=student, course=basics.course)
    _complete_all(student, basics)
    _, created = services.enrollment_create(user=student, course=soc.course)
    assert created


@pytest.mark.parametrize(
    "fields",
    [
        {"enrollment_closes_at": timezone.now() - timedelta(days=1)},
        {"enrollment_opens_at": timezone.now() + timedelta(days=1)},
        {"archived": True},
    ],
)
def test_closed_enrollment_is_refused(make_course, student, fields):
    built = make_course(**fields)
    with pytest.raises(EnrollmentClosed):
        services.enrollment_create(user=student, course=built.course)


def test_paid_course_needs_payment(make_course, student):
    built = make_course(price="149.00")
    with pytest.raises(PaymentRequired):
        services.enrollment_create(user=student, course=built.course)


def test_staff_enrollment_skips_prerequisites_but_not_capacity(make_course, student, other_student):
    basics = make_course(title="Basics")
    advanced = make_course(title="Advanced", capacity=1)
    advanced.course.prerequisites.set([basics.course])
    advanced.course.save()
    _, created = services.enrollment_create(user=student, course=advanced.course, source=Enrollment.Source.STAFF)
    assert created
    with pytest.raises(CourseFull):
        services.enrollment_create(user=other_student, course=advanced.course, source=Enrollment.Source.STAFF)


def test_drop_keeps_history_and_frees_the_seat_for_the_waitlist(make_course, student, other_student):
    built = make_course(capacity=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    entry = services.waitlist_join(user=other_student, course=built.course)
    assert services.waitlist_position(user=other_student, course=built.course) == 1

    services.enrollment_drop(enrollment=enrollment)

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.DROPPED
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    promoted = Enrollment.objects.get(user=other_student, course=built.course)
    assert promoted.status == Enrollment.Status.ACTIVE
    assert promoted.source == Enrollment.Source.WAITLIST
    assert not WaitlistEntry.objects.filter(pk=entry.pk).exists()


def test_reenrolling_after_a_drop_reuses_the_enrollment(make_course, student):
    built = make_course()
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.enrollment_drop(enrollment=enrollment)
    again, created = services.enrollment_create(user=student, course=built.course)
    assert created and again.pk == enrollment.pk and again.status == Enrollment.Status.ACTIVE


def test_waitlist_refuses_when_seats_are_free_or_already_enrolled(make_course, student):
    built = make_course(capacity=5)
    with pytest.raises(LearningError) as error:
        services.waitlist_join(user=student, course=built.course)
    assert error.value.get_codes() == "seats_available"
    services.enrollment_create(user=student, course=built.course)
    with pytest.raises(AlreadyEnrolled):
        services.waitlist_join(user=student, course=built.course)


def test_lesson_complete_needs_an_enrollment(make_course, student):
    built = make_course()
    with pytest.raises(NotEnrolled):
        services.lesson_complete(user=student, lesson=built.lessons[0])


def test_completing_every_lesson_completes_once_and_grants_competencies(
    make_course, student, completions, django_capture_on_commit_callbacks
):
    competency = CompetencyFactory(code="PD-WRL-001", name="Defensive Cybersecurity")
    built = make_course(modules=2, lessons=2, competencies=[competency])
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    for lesson in built.lessons[:-1]:
        services.lesson_complete(user=student, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.completed_lessons == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=student, lesson=built.lessons[-1])
        services.lesson_complete(user=student, lesson=built.lessons[-1])  # again: nothing new

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    assert completions == [enrollment.pk]
    assert list(CompetencyAttainment.objects.filter(user=student).values_list("competency__code", flat=True)) == [
        "PD-WRL-001"
    ]


def test_video_progress_is_stored_and_completes_at_ninety_percent(make_course, student):
    built = make_course(modules=1, lessons=2)
    lesson = built.lessons[0]
    services.enrollment_create(user=student, course=built.course)
    services.video_progress_report(user=student, lesson_id=lesson.pk, position=30.0, duration=100.0)
    progress = LessonProgress.objects.get(lesson=lesson)
    assert (progress.video_position, progress.completed_at) == (30.0, None)
    services.video_progress_report(user=student, lesson_id=lesson.pk, position=91.0, duration=100.0)
    progress.refresh_from_db()
    assert progress.video_position == 91.0
    assert progress.completed_at is not None


def test_video_progress_needs_an_enrollment(make_course, student):
    built = make_course(modules=1, lessons=1)
    with pytest.raises(NotEnrolled):
        services.video_progress_report(user=student, lesson_id=built.lessons[0].pk, position=1.0, duration=10.0)


def test_course_pages_cannot_be_deleted_while_learners_have_history(make_course, student):
    built = make_course(modules=1, lessons=1)
    services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    with pytest.raises(ProtectedError):
        built.lessons[0].delete()
    with pytest.raises(ProtectedError):
        built.course.delete()
    assert Enrollment.objects.filter(user=student).count() == 1
    assert LessonProgress.objects.count() == 1


def test_unpublishing_a_course_keeps_learner_history(make_course, student):
    built = make_course(modules=1, lessons=1)
    enrollment, _ = services.enrollment_create(user=student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    built.course.unpublish()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1


def test_sequential_path_enrolls_the_first_course_then_the_next_on_completion(
    make_course, student, django_capture_on_commit_callbacks
):
    first = make_course(title="Security Fundamentals", modules=1, lessons=1)
    second = make_course(title="Networking for Defenders", modules=1, lessons=1)
    path = LearningPath.objects.create(title="SOC Analyst track", slug="soc-track", summary="Become a SOC analyst.")
    LearningPathStep.objects.create(path=path, course=first.course, sort_order=0)
    LearningPathStep.objects.create(path=path, course=second.course, sort_order=1)

    services.path_enroll(user=student, path=path)
    assert list(Enrollment.objects.filter(user=student).values_list("course__title", flat=True)) == [
        "Security Fundamentals"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=student, lesson=first.lessons[0])
    assert Enrollment.objects.filter(user=student, course=second.course, source=Enrollment.Source.PATH).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=student, lesson=second.lessons[0])
    assert PathEnrollment.objects.get(user=student, path=path).completed_at is not None


def test_path_enroll_is_idempotent(make_course, student):
    first = make_course(modules=1, lessons=1)
    path = LearningPath.objects.create(title="Track", slug="track", summary="A track.")
    LearningPathStep.objects.create(path=path, course=first.course, sort_order=0)
    services.path_enroll(user=student, path=path)
    services.path_enroll(user=student, path=path)
    assert PathEnrollment.objects.filter(user=student).count() == 1
    assert Enrollment.objects.filter(user=student).count() == 1


def test_another_learners_progress_is_separate(make_course, student, other_student):
    built = make_course(modules=1, lessons=2)
    services.enrollment_create(user=student, course=built.course)
    services.enrollment_create(user=other_student, course=built.course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    assert Enrollment.objects.get(user=other_student).completed_lessons == 0


def test_waitlist_position_follows_arrival_time_not_row_id(make_course, student, other_student):
    built = make_course(capacity=1)
    services.enrollment_create(user=UserFactory(), course=built.course)
    later = services.waitlist_join(user=student, course=built.course)
    earlier = services.waitlist_join(user=other_student, course=built.course)
    # The second row arrived first (e.g. restored from a backup): it is ahead despite its larger id.
    WaitlistEntry.objects.filter(pk=earlier.pk).update(created_at=later.created_at - timedelta(minutes=5))
    assert services.waitlist_position(user=other_student, course=built.course) == 1
    assert services.waitlist_position(user=student, course=built.course) == 2


def test_publishing_more_seats_enrolls_the_waitlist_in_order(make_course, student, other_student):
    built = make_course(capacity=1)
    services.enrollment_create(user=UserFactory(), course=built.course)
    services.waitlist_join(user=student, course=built.course)
    services.waitlist_join(user=other_student, course=built.course)

    built.course.capacity = 2
    publish(built.course)

    assert Enrollment.objects.get(user=student, course=built.course).source == Enrollment.Source.WAITLIST
    assert not Enrollment.objects.filter(user=other_student).exists()
    assert list(WaitlistEntry.objects.values_list("user", flat=True)) == [other_student.pk]
