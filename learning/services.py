"""Every write on learner state. Transactions and invariants live here and nowhere else.

Invariants kept:
- a course never holds more active enrollments than its capacity, under any concurrency
  (the course row is locked while seats are counted);
- one enrollment row per learner and course; enrolling twice returns the same enrollment;
- an enrollment completes exactly once, and `course_completed` is sent once, after commit
  (the enrollment row is locked while completion is decided);
- nothing here deletes history: dropping keeps the row and its progress.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from courses.models import CoursePage, LearningPath, LessonPage
from courses.selectors import course_outline
from learning.exceptions import (
    AlreadyEnrolled,
    AssessmentRequired,
    CourseFull,
    EnrollmentClosed,
    LearningError,
    NotCompleted,
    NotEnrolled,
    PaymentRequired,
    PrerequisitesMissing,
)
from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment, WaitlistEntry
from learning.selectors import EditionLinks, lesson_course_id, statuses_across_editions
from learning.signals import course_completed, course_completion_withdrawn

logger = logging.getLogger(__name__)

# Share of a lesson video watched after which the lesson counts as complete.
VIDEO_COMPLETION_SHARE = 0.9


def course_current_edition(course: CoursePage) -> CoursePage:
    """The newest live edition of a course: new enrollments always go there."""
    seen = {course.pk}
    current = course
    while True:
        newer = CoursePage.objects.live().filter(previous_edition=current).order_by("-edition").first()
        if newer is None or newer.pk in seen:
            return current
        seen.add(newer.pk)
        current = newer


def course_edition_family(course: CoursePage) -> set[int]:
    """Ids of every edition of the course, older and newer (one query)."""
    return EditionLinks().family(course.pk)


def _lock_course(course_id: int) -> CoursePage:
    # The course row is the mutex for its seats: everyone counting them waits here.
    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course_id)


def _missing_prerequisites(user, course: CoursePage) -> list[str]:
    prerequisites = list(course.prerequisites.all())
    if not prerequisites:
        return []
    # completed_at, not the status: an earlier run being retaken (superseded) still counts.
    completed = set(
        Enrollment.objects.filter(user=user, completed_at__isnull=False).values_list("course_id", flat=True)
    )
    # A prerequisite completed as such, or no completion at all, needs no walk through editions.
    links = EditionLinks()  # read once, and only if a prerequisite needs the walk
    return [
        p.title for p in prerequisites if p.pk not in completed and not (completed and links.family(p.pk) & completed)
    ]


def enrollment_missing_prerequisites(*, user, course: CoursePage) -> list[str]:
    """Titles of the course's prerequisites the user has not completed (any edition counts)."""
    return _missing_prerequisites(user, course)


def enrollment_in_other_edition(*, user, course: CoursePage) -> Enrollment | None:
    """The user's active or completed enrollment in another edition of `course`, if any.

    `course` is the current edition (the newest published one): only an edition with a
    previous edition can have others, so a course's first edition costs no query; a later one
    costs two (the edition links, the enrollment). Taking a completed course again is
    `enrollment_start_new_run`, not a second enrollment.
    """
    if course.previous_edition_id is None:
        return None
    others = course_edition_family(course) - {course.pk}
    return Enrollment.objects.current().filter(user=user, course_id__in=others).select_related("course").first()


def _seats_taken(course: CoursePage) -> int:
    return Enrollment.objects.filter(course=course).holding_seats().count()


def course_has_free_seat(course: CoursePage) -> bool:
    return course.capacity is None or _seats_taken(course) < course.capacity


@transaction.atomic
def enrollment_create(*, user, course: CoursePage, source: str = Enrollment.Source.SELF) -> tuple[Enrollment, bool]:
    """Enroll the user in the course's current edition. Returns (enrollment, created).

    Idempotent: when the user already holds an active or completed enrollment it is returned
    unchanged with created=False. Staff and waitlist enrollments skip the enrollment window,
    the price and the prerequisites, never the capacity.
    """
    course = course_current_edition(course)
    course = _lock_course(course.pk)
    existing = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course)
        .exclude(status=Enrollment.Status.SUPERSEDED)
        .first()
    )
    if existing is not None and existing.is_current:
        return existing, False
    # A learner of an earlier edition keeps it: enrolling again (from either edition's page)
    # answers that enrollment rather than starting a second copy of the course.
    # Staff enrolling someone from this edition's roster are told, not handed the other
    # edition's record (they may not teach that edition).
    in_other_edition = enrollment_in_other_edition(user=user, course=course)
    if in_other_edition is not None:
        if source == Enrollment.Source.STAFF:
            raise AlreadyEnrolled(
                f"This learner is already enrolled in edition {in_other_edition.course.edition} of this course."
            )
        return in_other_edition, False
    if source == Enrollment.Source.SELF or source == Enrollment.Source.PATH:
        if not course.enrollment_is_open():
            raise EnrollmentClosed()
        if not course.is_free:
            raise PaymentRequired()
        missing = _missing_prerequisites(user, course)
        if missing:
            raise PrerequisitesMissing(missing)
    elif not course.live:
        raise EnrollmentClosed()
    if not course_has_free_seat(course):
        raise CourseFull()
    now = timezone.now()
    if existing is not None:
        existing.status = Enrollment.Status.ACTIVE
        existing.source = source
        existing.enrolled_at = now
        existing.dropped_at = None
        existing.save(update_fields=["status", "source", "enrolled_at", "dropped_at"])
        enrollment = existing
    else:
        enrollment = Enrollment.objects.create(user=user, course=course, source=source, enrolled_at=now)
    WaitlistEntry.objects.filter(user=user, course=course).delete()
    logger.info("enrollment created", extra={"enrollment": enrollment.pk, "course": course.pk, "source": source})
    return enrollment, True


@transaction.atomic
def enrollment_drop(*, enrollment: Enrollment) -> Enrollment:
    """Drop an active enrollment (progress is kept) and give the seat to the waitlist."""
    course = _lock_course(enrollment.course_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotEnrolled("Only an active enrollment can be dropped.")
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.dropped_at = timezone.now()
    enrollment.save(update_fields=["status", "dropped_at"])
    waitlist_promote(course=course)
    return enrollment


def waitlist_promote(*, course: CoursePage) -> list[Enrollment]:
    """Enroll waiting learners, first come first served, while seats are free.

    Runs inside the caller's transaction with the course row locked.
    """
    promoted = []
    for entry in WaitlistEntry.objects.filter(course=course).select_related("user"):
        if not course_has_free_seat(course):
            break
        try:
            with transaction.atomic():
                enrollment, created = enrollment_create(
                    user=entry.user, course=course, source=Enrollment.Source.WAITLIST
                )
        except LearningError as error:
            logger.info("waitlist entry skipped", extra={"entry": entry.pk, "code": error.get_codes()})
            continue
        if created:
            promoted.append(enrollment)
        else:
            entry.delete()  # already holds the course (e.g. in another edition): no longer waiting
    return promoted


@transaction.atomic
def waitlist_carry_to_current_edition(*, course: CoursePage) -> int:
    """Move the learners waiting for earlier editions of `course` (the current edition) onto
    its waitlist, keeping their place (the time they joined). Returns how many moved.

    An archived edition takes no one from its waitlist any more, so without this they would
    wait for good. No query for a course's first edition."""
    if course.archived or not course.previous_edition_id:
        return 0
    others = course_edition_family(course) - {course.pk}
    course = _lock_course(course.pk)
    # One entry per learner and course: someone already waiting here (or twice, in two earlier
    # editions) keeps their earliest place and the other entries go.
    seen = set(WaitlistEntry.objects.filter(course=course).values_list("user_id", flat=True))
    move, drop = [], []
    for pk, user_id in (
        WaitlistEntry.objects.select_for_update().filter(course_id__in=others).values_list("pk", "user_id")
    ):
        (drop if user_id in seen else move).append(pk)
        seen.add(user_id)
    WaitlistEntry.objects.filter(pk__in=drop).delete()
    return WaitlistEntry.objects.filter(pk__in=move).update(course=course)


@transaction.atomic
def waitlist_promote_after_change(*, course: CoursePage) -> list[Enrollment]:
    """Give seats that opened without a drop (the course now has more) to the waitlist."""
    return waitlist_promote(course=_lock_course(course.pk))


@transaction.atomic
def waitlist_join(*, user, course: CoursePage) -> WaitlistEntry:
    """Queue for a full course. Refused when the learner could enroll right away or is enrolled."""
    course = _lock_course(course_current_edition(course).pk)
    if Enrollment.objects.current().filter(user=user, course=course).exists():
        raise AlreadyEnrolled()
    if enrollment_in_other_edition(user=user, course=course) is not None:
        raise AlreadyEnrolled()
    if not course.enrollment_is_open():
        raise EnrollmentClosed()
    missing = _missing_prerequisites(user, course)
    if missing:
        raise PrerequisitesMissing(missing)
    if course_has_free_seat(course):
        raise LearningError("This course has free seats: enroll instead.", code="seats_available")
    entry, _ = WaitlistEntry.objects.get_or_create(user=user, course=course)
    return entry


def waitlist_leave(*, user, course: CoursePage) -> None:
    WaitlistEntry.objects.filter(user=user, course=course).delete()


def waitlist_position(*, user, course: CoursePage) -> int | None:
    entry = WaitlistEntry.objects.filter(user=user, course=course).first()
    if entry is None:
        return None
    return WaitlistEntry.objects.filter(course=course).filter(waitlist_ahead_of(entry.created_at, entry.id)).count()


def waitlist_ahead_of(created_at, entry_id) -> Q:
    """Entries at or ahead of a place in the queue: ordered by (created_at, id), like the promotion."""
    return Q(created_at__lt=created_at) | Q(created_at=created_at, id__lte=entry_id)


def _enrollment_for_lesson(*, user, lesson: LessonPage, lock: bool) -> Enrollment:
    course_id = lesson_course_id(lesson.pk)
    enrollments = Enrollment.objects.current().filter(user=user, course_id=course_id)
    if lock:
        enrollments = enrollments.select_for_update()
    enrollment = enrollments.first()
    if enrollment is None:
        raise NotEnrolled()
    return enrollment


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage, by_assessment: bool = False) -> LessonProgress:
    """Mark a lesson complete (idempotent) and complete the enrollment when it was the last one.

    A lesson holding an assessment that counts toward completion completes only through it:
    assessments call this with by_assessment=True once the learner passed everything there.
    """
    # Not enrolled comes first: someone outside the course learns nothing about its lessons.
    enrollment = _enrollment_for_lesson(user=user, lesson=lesson, lock=True)
    if not by_assessment and lesson.completes_by_assessment:
        raise AssessmentRequired()
    now = timezone.now()
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at", "updated_at"])
    enrollment.last_lesson = lesson
    enrollment.last_activity_at = now
    _enrollment_refresh_completion(enrollment)
    return progress


def lesson_visit(*, user, lesson: LessonPage) -> None:
    """Remember the lesson the learner opened last ("continue where you left off"). One query."""
    course_id = lesson_course_id(lesson.pk)
    Enrollment.objects.current().filter(user=user, course_id=course_id).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )


def video_progress_report(*, user, lesson_id: int, position: float, duration: float) -> LessonProgress | None:
    """Store where the learner is in a lesson video; at 90 % the lesson completes.

    Built for beacons: besides the user, one query for the enrollment and one upsert. Returns
    the progress only when this report completed the lesson; reports past 90 % of a lesson
    already complete stay at those queries (the enrollment query tells it).
    """
    course_id = lesson_course_id(lesson_id)
    if course_id is None:
        return None
    completed_progress = LessonProgress.objects.filter(
        enrollment=OuterRef("pk"), lesson_id=lesson_id, completed_at__isnull=False
    )
    row = (
        Enrollment.objects.current()
        .filter(user=user, course_id=course_id)
        .values_list("pk", Exists(completed_progress))
        .first()
    )
    if row is None:
        raise NotEnrolled()
    enrollment_id, lesson_done = row
    position = max(0.0, min(position, duration)) if duration > 0 else max(0.0, position)
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                enrollment_id=enrollment_id, lesson_id=lesson_id, video_position=position, video_duration=duration
            )
        ],
        update_conflicts=True,
        unique_fields=["enrollment", "lesson"],
        update_fields=["video_position", "video_duration", "updated_at"],
    )
    if duration > 0 and position >= VIDEO_COMPLETION_SHARE * duration and not lesson_done:
        lesson = LessonPage.objects.get(pk=lesson_id)
        if lesson.completes_by_assessment:
            return None
        return lesson_complete(user=user, lesson=lesson)
    return None


def _enrollment_refresh_completion(enrollment: Enrollment) -> None:
    """Recount completed lessons; complete the enrollment if every lesson is done.

    The caller holds the enrollment row lock, so two concurrent last lessons cannot both
    complete it.
    """
    outline = course_outline(enrollment.course)
    required = {lesson.id for lesson in outline.lessons} if outline else set()
    done = set(
        LessonProgress.objects.filter(
            enrollment=enrollment, completed_at__isnull=False, lesson_id__in=required
        ).values_list("lesson_id", flat=True)
    )
    enrollment.completed_lessons = len(done)
    fields = ["completed_lessons", "last_lesson", "last_activity_at"]
    newly_completed = required and done >= required and enrollment.status == Enrollment.Status.ACTIVE
    if newly_completed:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
    enrollment.save(update_fields=fields)
    if newly_completed:
        competencies_grant(enrollment=enrollment)
        transaction.on_commit(lambda: course_completed.send(sender=Enrollment, enrollment=enrollment))


@transaction.atomic
def lesson_completion_withdraw(*, enrollment: Enrollment, lesson: LessonPage, reason: str) -> Enrollment:
    """Take back a lesson's completion (its assessment no longer counts). Idempotent.

    A completed enrollment reopens: status active again and the course's competencies
    withdrawn. An earlier run (superseded) stays superseded but loses its completion date. In
    both cases `course_completion_withdrawn` is sent after commit (certificates revoke theirs).
    """
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(
        completed_at=None, updated_at=timezone.now()
    )
    was_completed = enrollment.completed_at is not None and enrollment.status in (
        Enrollment.Status.COMPLETED,
        Enrollment.Status.SUPERSEDED,
    )
    if was_completed:
        if enrollment.status == Enrollment.Status.COMPLETED:
            enrollment.status = Enrollment.Status.ACTIVE
            CompetencyAttainment.objects.filter(user=enrollment.user, course=enrollment.course).delete()
        enrollment.completed_at = None
        enrollment.save(update_fields=["status", "completed_at"])
    _enrollment_refresh_completion(enrollment)
    if was_completed and enrollment.completed_at is None:
        logger.info("course completion withdrawn", extra={"enrollment": enrollment.pk})
        transaction.on_commit(
            lambda: course_completion_withdrawn.send_robust(sender=Enrollment, enrollment=enrollment, reason=reason)
        )
    return enrollment


@transaction.atomic
def enrollment_start_new_run(*, user, course: CoursePage) -> Enrollment:
    """Take a completed course again (recertification): the completed enrollment, in any
    edition, is kept as a superseded earlier run and a new run starts in the current edition
    with fresh progress. Capacity applies; the window, price and prerequisites do not (the
    learner took the course before)."""
    current = _lock_course(course_current_edition(course).pk)
    family = course_edition_family(current)
    previous = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id__in=family)
        .exclude(status=Enrollment.Status.SUPERSEDED)
        .order_by("-enrolled_at", "-pk")
    )
    previous = list(previous)
    completed = [e for e in previous if e.status == Enrollment.Status.COMPLETED]
    if not completed:
        raise NotCompleted()
    if any(e.status == Enrollment.Status.ACTIVE for e in previous):
        raise AlreadyEnrolled()
    if not course_has_free_seat(current):
        raise CourseFull()
    last_run = max(Enrollment.objects.filter(user=user, course_id__in=family).values_list("run", flat=True), default=0)
    Enrollment.objects.filter(pk__in=[e.pk for e in previous]).update(status=Enrollment.Status.SUPERSEDED)
    enrollment = Enrollment.objects.create(
        user=user, course=current, source=completed[0].source, enrolled_at=timezone.now(), run=last_run + 1
    )
    logger.info("new run started", extra={"enrollment": enrollment.pk, "course": current.pk, "run": enrollment.run})
    return enrollment


def enrollment_recheck_completion(*, enrollment: Enrollment) -> Enrollment:
    """Re-evaluate completion (e.g. after an instructor removed a lesson)."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
        _enrollment_refresh_completion(enrollment)
    return enrollment


def competencies_grant(*, enrollment: Enrollment) -> list[CompetencyAttainment]:
    granted = []
    for competency in enrollment.course.competencies.all():
        attainment, created = CompetencyAttainment.objects.get_or_create(
            user=enrollment.user, competency=competency, defaults={"course": enrollment.course}
        )
        if created:
            granted.append(attainment)
    return granted


@transaction.atomic
def path_enroll(*, user, path: LearningPath) -> PathEnrollment:
    """Join a learning path and enroll in its first course not yet taken. Idempotent."""
    if not path.published:
        raise LearningError("This learning path is not available.", code="not_found", status_code=404)
    try:
        with transaction.atomic():
            path_enrollment, _ = PathEnrollment.objects.get_or_create(user=user, path=path)
    except IntegrityError:
        path_enrollment = PathEnrollment.objects.get(user=user, path=path)
    _path_enroll_next(user=user, path=path)
    return path_enrollment


def _path_enroll_next(*, user, path: LearningPath) -> Enrollment | None:
    statuses = dict(Enrollment.objects.current().filter(user=user).values_list("course_id", "status"))
    steps = list(path.steps.select_related("course"))
    # A step's course taken in another edition counts as taken.
    statuses = statuses_across_editions([step.course for step in steps], statuses)
    for step in steps:
        status = statuses.get(step.course_id)
        if status == Enrollment.Status.COMPLETED:
            continue
        if status == Enrollment.Status.ACTIVE:
            return None
        enrollment, _ = enrollment_create(user=user, course=step.course, source=Enrollment.Source.PATH)
        return enrollment
    return None


def path_progress_after_completion(*, user, course_id: int) -> None:
    """After a course completes: unlock (enroll in) the next course of each path that has it,
    and mark paths whose courses are all complete."""
    # A path names one edition of each course; the learner may have completed another.
    course = CoursePage.objects.filter(pk=course_id).only("id", "previous_edition_id").first()
    editions = course_edition_family(course) if course is not None else {course_id}
    for path_enrollment in (
        PathEnrollment.objects.filter(user=user, path__steps__course_id__in=editions).select_related("path").distinct()
    ):
        path = path_enrollment.path
        if path.sequential:
            try:
                _path_enroll_next(user=user, path=path)
            except LearningError as error:
                logger.info("path: next course not enrolled", extra={"path": path.pk, "code": error.get_codes()})
        steps = list(path.steps.select_related("course"))
        statuses = dict(Enrollment.objects.current().filter(user=user).values_list("course_id", "status"))
        statuses = statuses_across_editions([step.course for step in steps], statuses)
        course_ids = {step.course_id for step in steps}
        completed = {pk for pk in course_ids if statuses.get(pk) == Enrollment.Status.COMPLETED}
        if course_ids and completed >= course_ids and path_enrollment.completed_at is None:
            PathEnrollment.objects.filter(pk=path_enrollment.pk, completed_at__isnull=True).update(
                completed_at=timezone.now()
            )
