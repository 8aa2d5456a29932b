"""The learner's part of course, module and lesson pages.

Course pages are content and `courses` never imports `learning`: the course templates load
these tags, which add the per-user part (enroll panel, progress, completed marks) around the
shared, cached content. Each page pays for the learner's state once: the result is kept on
the request, so several tags on one page share two queries (enrollment, progress rows).

Query cost, on top of the page itself:
- anonymous visitor: none;
- enrolled learner: two (enrollment, progress rows), one on lesson pages (the access hook
  already fetched the enrollment);
- signed-in, not enrolled: one (enrollment), plus one seat count for a course with a
  capacity, one waitlist lookup when it is full, and the prerequisite check when the course
  has prerequisites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.db.models import Exists, F, Func, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.timesince import timesince

from courses.models import CoursePage
from learning import selectors, services
from learning.models import Enrollment, WaitlistEntry

register = template.Library()

# Request attribute where the lesson access hook leaves the enrollment it fetched.
REQUEST_ENROLLMENT_ATTRIBUTE = "learning_enrollment"
_UNKNOWN = object()


@dataclass
class Prerequisite:
    title: str
    url: str | None


@dataclass
class LearnerCourse:
    """What the course page shows this visitor about themselves and the course.

    `state` is one of: anonymous, enrolled, completed, can_enroll, full, closed, paid,
    prerequisites, newer_edition, other_edition (enrolled in, or completed, an earlier edition:
    `other_enrollment`).
    """

    state: str
    progress: selectors.CourseProgress | None = None
    missing_prerequisites: list[Prerequisite] = field(default_factory=list)
    waitlist_position: int | None = None
    seats_left: int | None = None
    newer_edition_url: str | None = None
    opens_at: object = None
    other_enrollment: Enrollment | None = None

    @property
    def completed_ids(self) -> set[int]:
        return self.progress.completed_ids if self.progress else set()

    @property
    def enrollment(self) -> Enrollment | None:
        return self.progress.enrollment if self.progress else None


def _is_preview(request) -> bool:
    return bool(getattr(request, "is_preview", False))


def _progress_for(request, course_id: int, outline) -> selectors.CourseProgress | None:
    """The learner's progress in the course, once per request; None when not enrolled."""
    if request is None or not request.user.is_authenticated or _is_preview(request):
        return None
    memo = request.__dict__.setdefault("_learning_progress", {})
    if course_id not in memo:
        enrollment = getattr(request, REQUEST_ENROLLMENT_ATTRIBUTE, _UNKNOWN)
        if enrollment is _UNKNOWN or (enrollment is not None and enrollment.course_id != course_id):
            enrollment = selectors.enrollment_current(user=request.user, course_id=course_id)
        memo[course_id] = (
            selectors.course_progress(user=request.user, course_id=course_id, outline=outline, enrollment=enrollment)
            if enrollment is not None
            else None
        )
    return memo[course_id]


def _subquery_count(queryset) -> Subquery:
    return Subquery(queryset.order_by().annotate(count=Func(F("id"), function="COUNT")).values("count")[:1])


def _seats_and_queue(user, course) -> tuple[int, int | None]:
    """Seats taken and the learner's waitlist place (services.waitlist_position's rule), in one
    query: the page of a full course costs no more than any other."""
    mine = WaitlistEntry.objects.filter(user=user, course=course)
    ahead = WaitlistEntry.objects.filter(course=course).filter(
        services.waitlist_ahead_of(Subquery(mine.values("created_at")[:1]), Subquery(mine.values("id")[:1]))
    )
    row = (
        CoursePage.objects.filter(pk=course.pk)
        .values(
            taken=_subquery_count(Enrollment.objects.filter(course=course).holding_seats()),
            position=_subquery_count(ahead),
        )
        .first()
    )
    if row is None:
        return 0, None
    return row["taken"] or 0, row["position"] or None


def _missing_prerequisites(user, course) -> list[str]:
    """services.enrollment_missing_prerequisites, in one query when no edition is involved.

    A prerequisite is met by completing it or any of its editions. Each prerequisite comes
    with whether the learner completed it and whether it has other editions; only when one
    not completed has editions does the service walk them (its answer is the rule)."""
    completed = Enrollment.objects.filter(user=user, completed_at__isnull=False)
    rows = list(
        course.prerequisites.annotate(
            done=Exists(completed.filter(course=OuterRef("pk"))),
            has_next_edition=Exists(CoursePage.objects.filter(previous_edition=OuterRef("pk"))),
        ).values_list("title", "done", "previous_edition_id", "has_next_edition")
    )
    if any(not done and (previous or has_next) for _, done, previous, has_next in rows):
        return services.enrollment_missing_prerequisites(user=user, course=course)
    return [title for title, done, _, _ in rows if not done]


def _learner_course(request, course, outline) -> LearnerCourse:
    """Mirror of the checks `services.enrollment_create` makes, in the same order, so the page
    offers only what the service would accept and names the reason otherwise."""
    user = request.user
    if course.archived:
        newer = services.course_current_edition(course)
        if newer.pk != course.pk:
            progress = _progress_for(request, course.pk, outline)
            if progress is not None:
                return LearnerCourse(
                    state="completed" if progress.enrollment.status == Enrollment.Status.COMPLETED else "enrolled",
                    progress=progress,
                    newer_edition_url=newer.url,
                )
            return LearnerCourse(state="newer_edition", newer_edition_url=newer.url)
    if not user.is_authenticated:
        if not course.enrollment_is_open():
            return LearnerCourse(state="closed", opens_at=_opens_at(course))
        if not course.is_free:
            return LearnerCourse(state="paid")
        return LearnerCourse(state="anonymous")
    progress = _progress_for(request, course.pk, outline)
    if progress is not None:
        state = "completed" if progress.enrollment.status == Enrollment.Status.COMPLETED else "enrolled"
        return LearnerCourse(state=state, progress=progress)
    # Only a later edition asks: the learner may hold an earlier one, which they keep.
    other = services.enrollment_in_other_edition(user=user, course=course) if course.previous_edition_id else None
    if other is not None:
        return LearnerCourse(state="other_edition", other_enrollment=other)
    if not course.enrollment_is_open():
        return LearnerCourse(state="closed", opens_at=_opens_at(course))
    if not course.is_free:
        return LearnerCourse(state="paid")
    if outline is not None and outline.prerequisites:
        missing = _missing_prerequisites(user, course)
        if missing:
            urls = {p.title: p.url for p in outline.prerequisites}
            return LearnerCourse(
                state="prerequisites",
                missing_prerequisites=[Prerequisite(title=title, url=urls.get(title)) for title in missing],
            )
    if course.capacity is not None:
        taken, position = _seats_and_queue(user, course)
        seats_left = max(course.capacity - taken, 0)
        if seats_left == 0:
            return LearnerCourse(state="full", waitlist_position=position)
        return LearnerCourse(state="can_enroll", seats_left=seats_left)
    return LearnerCourse(state="can_enroll")


def _opens_at(course):
    opens = course.enrollment_opens_at
    return opens if opens and opens > timezone.now() and not course.archived else None


@register.simple_tag(takes_context=True)
def learner_course(context, course, outline=None) -> LearnerCourse | None:
    """`{% learner_course page outline as learner %}` on the course page. None in previews."""
    request = context.get("request")
    if request is None or _is_preview(request):
        return None
    memo = request.__dict__.setdefault("_learning_course", {})
    if course.pk not in memo:
        memo[course.pk] = _learner_course(request, course, outline)
    return memo[course.pk]


@register.simple_tag(takes_context=True)
def learner_progress(context, outline) -> selectors.CourseProgress | None:
    """`{% learner_progress outline as progress %}`: the enrolled learner's progress, or None."""
    if outline is None:
        return None
    return _progress_for(context.get("request"), outline.id, outline)


@register.inclusion_tag("learning/includes/course_panel.html", takes_context=True)
def course_panel(context, learner, course, next_url=None):
    """The enroll / progress panel of a course (course page hero, locked lesson page)."""
    request = context.get("request")
    here = next_url or (request.get_full_path() if request else course.url)
    return {
        "learner": learner,
        "course": course,
        "next_url": here,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("learning/includes/progress_bar.html")
def progress_bar(percent, label="Course progress", size=""):
    """An accessible progress bar: a native <progress> (role progressbar) with its value in text."""
    return {"percent": percent or 0, "label": label, "size": size}


@register.filter
def active_ago(moment) -> str:
    """ "just now" for the last minute, else "3 hours ago" (Django's timesince)."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.simple_tag
def lesson_video_state(progress, lesson) -> dict | None:
    """What static/js/learning.js needs to resume a lesson video and report its progress."""
    if progress is None:
        return None
    return {
        "lesson": lesson.pk,
        "position": progress.positions.get(lesson.pk, 0),
        "beacon_url": "/api/v1/progress/video/",
    }
