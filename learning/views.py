"""Learner pages: thin views that turn a request into one service call or one selector read.

Domain errors (learning.exceptions) become a message with the error's own text and a redirect
back to where the learner was; nothing here decides a rule. Every lookup of learner state is
filtered by the signed-in user, so another learner's enrollment is simply not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage, LearningPath, LearningPathStep, LessonPage
from learning import selectors, services
from learning.exceptions import LearningError
from learning.models import Enrollment, PathEnrollment


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` field when it points back into this site, otherwise `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _error_text(error: LearningError) -> str:
    return str(error.detail)


def _live_course_or_404(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


# --- Course enrollment --------------------------------------------------------------------


@require_POST
def course_enroll(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _live_course_or_404(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        enrollment, created = services.enrollment_create(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, _error_text(error))
        return redirect(_safe_next(request, course.url))
    enrolled_course = enrollment.course
    if created:
        messages.success(request, f"You are enrolled in {enrolled_course.title}.")
    else:
        messages.info(request, f"You are already enrolled in {enrolled_course.title}.")
    if enrolled_course.pk != course.pk:
        # New enrollments go to the newest edition: take the learner there.
        return redirect(enrolled_course.url)
    return redirect(_safe_next(request, course.url))


def _current_enrollment_or_404(request: HttpRequest, course_id: int) -> Enrollment:
    return get_object_or_404(
        Enrollment.objects.current().select_related("course"), user=request.user, course_id=course_id
    )


@login_required
@require_GET
def course_drop_confirm(request: HttpRequest, course_id: int) -> HttpResponse:
    enrollment = _current_enrollment_or_404(request, course_id)
    return render(
        request,
        "learning/drop_confirm.html",
        {"enrollment": enrollment, "course": enrollment.course, "page_title": f"Drop {enrollment.course.title}"},
    )


@require_POST
def course_drop(request: HttpRequest, course_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(_live_course_or_404(course_id).url)
    enrollment = _current_enrollment_or_404(request, course_id)
    course = enrollment.course
    try:
        services.enrollment_drop(enrollment=enrollment)
    except LearningError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"You dropped {course.title}. Your progress is kept if you enroll again.")
    return redirect(course.url)


# --- Waitlist -----------------------------------------------------------------------------


@require_POST
def waitlist_join(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _live_course_or_404(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        entry = services.waitlist_join(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, _error_text(error))
    else:
        position = services.waitlist_position(user=request.user, course=entry.course)
        messages.success(
            request,
            f"You are #{position} on the waitlist. We enroll you automatically when a seat frees up.",
        )
    return redirect(_safe_next(request, course.url))


@require_POST
def waitlist_leave(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _live_course_or_404(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    services.waitlist_leave(user=request.user, course=course)
    messages.success(request, "You left the waitlist.")
    return redirect(_safe_next(request, course.url))


# --- Lessons ------------------------------------------------------------------------------


@require_POST
def lesson_complete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url)
    course_id = selectors.lesson_course_id(lesson.pk)
    before = selectors.enrollment_current(user=request.user, course_id=course_id) if course_id else None
    try:
        progress = services.lesson_complete(user=request.user, lesson=lesson)
    except LearningError as error:
        messages.error(request, _error_text(error))
        return redirect(_safe_next(request, lesson.url))
    after = Enrollment.objects.select_related("course").get(pk=progress.enrollment_id)
    if after.status == Enrollment.Status.COMPLETED and (before is None or before.status != after.status):
        messages.success(request, f"You completed {after.course.title}!")
    else:
        messages.success(request, f"“{lesson.title}” is marked as complete.")
    return redirect(_safe_next(request, lesson.url))


# --- Dashboard ----------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/dashboard.html",
        {"dashboard": selectors.dashboard_for(request.user), "today": timezone.localdate()},
    )


# --- Learning paths -----------------------------------------------------------------------


def _published_paths():
    return LearningPath.objects.filter(published=True).prefetch_related(
        Prefetch("steps", queryset=LearningPathStep.objects.select_related("course"))
    )


def _course_statuses(user) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(Enrollment.objects.current().filter(user=user).values_list("course_id", "status"))


@require_GET
def path_list(request: HttpRequest) -> HttpResponse:
    paths = list(_published_paths())
    joined: dict[int, PathEnrollment] = {}
    statuses: dict[int, str] = {}
    if request.user.is_authenticated and paths:
        joined = {pe.path_id: pe for pe in PathEnrollment.objects.filter(user=request.user)}
        statuses = _course_statuses(request.user)
    links = selectors.EditionLinks()
    items = [selectors.path_status(path, joined.get(path.pk), statuses, links) for path in paths]
    return render(request, "learning/path_list.html", {"paths": items})


@require_GET
def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_object_or_404(_published_paths(), slug=slug)
    path_enrollment = None
    if request.user.is_authenticated:
        path_enrollment = PathEnrollment.objects.filter(user=request.user, path=path).first()
    status = selectors.path_status(path, path_enrollment, _course_statuses(request.user))
    # The course the learner works on now, or the next one they may start.
    current_step = next((step for step in status.steps if step["state"] in ("enrolled", "available")), None)
    return render(request, "learning/path_detail.html", {"path": path, "status": status, "current_step": current_step})


@require_POST
def path_enroll(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_object_or_404(LearningPath.objects.filter(published=True), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(path.get_absolute_url())
    try:
        services.path_enroll(user=request.user, path=path)
    except LearningError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"You joined the learning path {path.title}.")
    return HttpResponseRedirect(path.get_absolute_url())
