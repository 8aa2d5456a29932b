"""Reads of learner state, with joins done, sized so counts don't grow with courses or lessons."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch

from courses.models import CoursePage, LearningPath, LearningPathStep, LessonPage
from courses.selectors import CourseOutline, LessonOutline, course_outline, course_outline_for_path, course_path_of
from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment

LESSON_COURSE_TIMEOUT = 24 * 3600


def lesson_course_id(lesson_id: int) -> int | None:
    """The id of the course a live lesson belongs to, from the cache after the first time."""
    key = f"lesson-course:{lesson_id}"
    course_id = cache.get(key)
    if course_id is None:
        path = LessonPage.objects.live().filter(pk=lesson_id).values_list("path", flat=True).first()
        if path is None:
            return None
        course_id = CoursePage.objects.filter(path=course_path_of(path)).values_list("pk", flat=True).first()
        if course_id is None:
            return None
        cache.set(key, course_id, timeout=LESSON_COURSE_TIMEOUT)
    return course_id


def enrollment_current(*, user, course_id: int) -> Enrollment | None:
    """The user's active or completed enrollment in the course, or None."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.current().filter(user=user, course_id=course_id).first()


@dataclass
class CourseProgress:
    enrollment: Enrollment | None
    completed_ids: set[int] = field(default_factory=set)
    lesson_count: int = 0
    continue_lesson: LessonOutline | None = None
    positions: dict[int, float] = field(default_factory=dict)

    @property
    def completed_count(self) -> int:
        return len(self.completed_ids)

    @property
    def percent(self) -> int:
        if not self.lesson_count:
            return 0
        return round(100 * self.completed_count / self.lesson_count)


def course_progress(
    *, user, course_id: int, outline: CourseOutline | None, enrollment: Enrollment | None = None
) -> CourseProgress:
    """The learner's progress in a course: two queries (enrollment, progress rows) at most.

    Pass `enrollment` when the caller already holds the current one (one query then)."""
    if enrollment is None:
        enrollment = enrollment_current(user=user, course_id=course_id)
    lesson_ids = [lesson.id for lesson in outline.lessons] if outline else []
    if enrollment is None:
        return CourseProgress(enrollment=None, lesson_count=len(lesson_ids))
    rows = LessonProgress.objects.filter(enrollment=enrollment).values_list(
        "lesson_id", "completed_at", "video_position"
    )
    completed = {
        lesson_id for lesson_id, completed_at, _ in rows if completed_at is not None and lesson_id in lesson_ids
    }
    positions = {lesson_id: position for lesson_id, _, position in rows if position}
    return CourseProgress(
        enrollment=enrollment,
        completed_ids=completed,
        lesson_count=len(lesson_ids),
        continue_lesson=_continue_lesson(outline, enrollment, completed),
        positions=positions,
    )


def _continue_lesson(
    outline: CourseOutline | None, enrollment: Enrollment, completed: set[int]
) -> LessonOutline | None:
    """Where to pick up: the first lesson not yet completed after the last one opened."""
    if outline is None:
        return None
    lessons = outline.lessons
    start = 0
    if enrollment.last_lesson_id is not None:
        position = outline.position_of(enrollment.last_lesson_id)
        if position is not None:
            if enrollment.last_lesson_id not in completed:
                return lessons[position.index]
            start = position.index
    for lesson in lessons[start:] + lessons[:start]:
        if lesson.id not in completed:
            return lesson
    return lessons[0] if lessons else None


@dataclass
class DashboardCourse:
    enrollment: Enrollment
    outline: CourseOutline | None
    percent: int
    continue_url: str | None


@dataclass
class PathStatus:
    path: LearningPath
    enrollment: PathEnrollment
    steps: list[dict]
    percent: int


@dataclass
class Dashboard:
    active: list[DashboardCourse]
    completed: list[DashboardCourse]
    paths: list[PathStatus]
    competencies: dict[str, list[CompetencyAttainment]]
    deadlines: list[DashboardCourse]


def dashboard_for(user) -> Dashboard:
    """Everything the learner dashboard shows, in a fixed number of queries.

    Enrollments with their course and last lesson (1), path enrollments with their steps (3),
    competencies (1); course outlines come from the cache.
    """
    enrollments = list(
        Enrollment.objects.current()
        .filter(user=user)
        .select_related("course", "last_lesson")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    items = []
    status_by_course = {}
    for enrollment in enrollments:
        items.append(enrollment_summary(enrollment))
        status_by_course[enrollment.course_id] = enrollment.status
    active = [item for item in items if item.enrollment.status == Enrollment.Status.ACTIVE]
    completed = [item for item in items if item.enrollment.status == Enrollment.Status.COMPLETED]
    deadlines = sorted(
        (item for item in active if item.enrollment.course.complete_by),
        key=lambda item: item.enrollment.course.complete_by,
    )
    competencies: dict[str, list[CompetencyAttainment]] = {}
    for attainment in CompetencyAttainment.objects.filter(user=user).select_related("competency", "course"):
        competencies.setdefault(attainment.competency.framework, []).append(attainment)
    return Dashboard(
        active=active,
        completed=completed,
        paths=path_statuses_for(user, status_by_course),
        competencies=competencies,
        deadlines=deadlines,
    )


def enrollment_percent(enrollment: Enrollment, lesson_count: int) -> int:
    """Share of the course done: 100 once completed, else completed lessons over live lessons."""
    if enrollment.status == Enrollment.Status.COMPLETED:
        return 100
    return round(100 * min(enrollment.completed_lessons, lesson_count) / lesson_count) if lesson_count else 0


def enrollment_summary(enrollment: Enrollment) -> DashboardCourse:
    """One enrollment as the dashboard and the API show it. No query when `course` and
    `last_lesson` were joined (select_related); the outline comes from the cache."""
    outline = course_outline(enrollment.course)
    percent = enrollment_percent(enrollment, outline.lesson_count if outline else 0)
    continue_url = enrollment.last_lesson.url if enrollment.last_lesson_id and enrollment.last_lesson.live else None
    if continue_url is None and outline and outline.lessons:
        continue_url = outline.lessons[0].url
    return DashboardCourse(enrollment=enrollment, outline=outline, percent=percent, continue_url=continue_url)


def path_statuses_for(user, status_by_course: dict[int, str] | None = None) -> list[PathStatus]:
    path_enrollments = list(
        PathEnrollment.objects.filter(user=user)
        .select_related("path")
        .prefetch_related(Prefetch("path__steps", queryset=LearningPathStep.objects.select_related("course")))
    )
    if status_by_course is None:
        status_by_course = dict(Enrollment.objects.current().filter(user=user).values_list("course_id", "status"))
    links = EditionLinks()
    return [
        path_status(path_enrollment.path, path_enrollment, status_by_course, links)
        for path_enrollment in path_enrollments
    ]


class EditionLinks:
    """The links between a course's editions (`CoursePage.previous_edition`), read with one
    query the first time they are needed and then walked in memory. One instance per request
    (or per service call) serves any number of courses and paths."""

    def __init__(self):
        self._neighbours: dict[int, set[int]] | None = None

    def _load(self) -> dict[int, set[int]]:
        if self._neighbours is None:
            neighbours: dict[int, set[int]] = {}
            for pk, previous in CoursePage.objects.filter(previous_edition__isnull=False).values_list(
                "pk", "previous_edition_id"
            ):
                neighbours.setdefault(pk, set()).add(previous)
                neighbours.setdefault(previous, set()).add(pk)
            self._neighbours = neighbours
        return self._neighbours

    def family(self, course_id: int) -> set[int]:
        """Ids of every edition of the course, older and newer, itself included."""
        neighbours = self._load()
        family, frontier = {course_id}, [course_id]
        while frontier:
            linked = neighbours.get(frontier.pop(), set()) - family
            family |= linked
            frontier.extend(linked)
        return family


def statuses_across_editions(
    courses, status_by_course: dict[int, str], links: EditionLinks | None = None
) -> dict[int, str]:
    """`status_by_course` (course id → the learner's enrollment status) with an entry for each
    of `courses` the learner took in another edition: a path step names one edition of a
    course, while new enrollments go to the newest one and earlier learners keep theirs.

    No query unless one of `courses` without a status of its own has other editions (it is
    archived or has a previous edition); then `links` reads the links between editions once.
    """
    candidates = [
        course
        for course in courses
        if course.pk not in status_by_course and (course.archived or course.previous_edition_id)
    ]
    if not candidates or not status_by_course:
        return status_by_course
    links = links or EditionLinks()
    statuses = dict(status_by_course)
    for course in candidates:
        found = {status_by_course[pk] for pk in links.family(course.pk) if pk in status_by_course}
        for status in (Enrollment.Status.COMPLETED, Enrollment.Status.ACTIVE):
            if status in found:
                statuses[course.pk] = status
                break
    return statuses


def path_status(
    path: LearningPath,
    enrollment: PathEnrollment | None,
    status_by_course: dict[int, str],
    links: EditionLinks | None = None,
) -> PathStatus:
    """Each step's state: completed, enrolled, available or locked (sequential paths). A course
    taken in another edition than the step names counts (statuses_across_editions); pass one
    `links` for all the paths of a page, so the edition links are read once."""
    status_by_course = statuses_across_editions([step.course for step in path.steps.all()], status_by_course, links)
    steps = []
    previous_done = True
    done = 0
    for step in path.steps.all():
        status = status_by_course.get(step.course_id)
        if status == Enrollment.Status.COMPLETED:
            state = "completed"
            done += 1
        elif status == Enrollment.Status.ACTIVE:
            state = "enrolled"
        elif path.sequential and not previous_done:
            state = "locked"
        else:
            state = "available"
        steps.append({"course": step.course, "state": state})
        previous_done = state == "completed"
    percent = round(100 * done / len(steps)) if steps else 0
    return PathStatus(path=path, enrollment=enrollment, steps=steps, percent=percent)


def roster_for(*, course: CoursePage, status: str = "", query: str = ""):
    """The course's enrollments with their learners, for instructors. One query per page of rows."""
    rows = Enrollment.objects.filter(course=course).select_related("user").order_by("user__email")
    # Earlier runs (superseded) show only when asked for by status.
    rows = rows.filter(status=status) if status else rows.exclude(status=Enrollment.Status.SUPERSEDED)
    if query:
        rows = rows.filter(user__email__icontains=query) | rows.filter(user__display_name__icontains=query)
    return rows


def lesson_outline_for(lesson: LessonPage) -> CourseOutline | None:
    return course_outline_for_path(lesson.path)
