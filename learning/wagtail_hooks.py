"""Wagtail wiring of the learning app.

Sections are owned separately; add yours in its own block below and leave the others alone.
"""

from django.shortcuts import render
from wagtail import hooks

from courses.models import CoursePage, LessonPage
from courses.selectors import course_outline_for_path
from learning import selectors, services
from learning.permissions import can_view_lesson
from learning.templatetags.learning_tags import REQUEST_ENROLLMENT_ATTRIBUTE

# === Learner site: lesson access and visit tracking ========================================
# Lessons are served by Wagtail; this hook decides who may read one before it renders.
# - Preview lessons are public. Admin previews (request.is_preview) never pass through here.
# - Everyone else needs learning.permissions.can_view_lesson; a current enrollment is that
#   rule's usual case, so it is looked up first and kept on the request for the page's
#   progress marks (one query for both).
# - Refused: 403 with templates/learning/lesson_locked.html and the way in (enroll, log in).
# - Enrolled learners: the visit is recorded (one UPDATE) for "continue where you left off".


# order=10: after Wagtail's own view-restriction check (order 0), so a page restricted in the
# admin (login, password, groups) answers as Wagtail says before learner rules apply.
@hooks.register("before_serve_page", order=10)
def lesson_access(page, request, serve_args, serve_kwargs):
    if not isinstance(page, LessonPage) or getattr(request, "is_preview", False):
        return None
    user = request.user
    enrollment = None
    if user.is_authenticated:
        course_id = selectors.lesson_course_id(page.pk)
        enrollment = selectors.enrollment_current(user=user, course_id=course_id) if course_id else None
        setattr(request, REQUEST_ENROLLMENT_ATTRIBUTE, enrollment)
    if enrollment is None and not can_view_lesson(user, page):
        return _lesson_locked(request, page)
    if enrollment is not None:
        services.lesson_visit(user=user, lesson=page)
    return None


def _lesson_locked(request, lesson):
    outline = course_outline_for_path(lesson.path)
    course_id = outline.id if outline else selectors.lesson_course_id(lesson.pk)
    course = CoursePage.objects.filter(pk=course_id).first() if course_id else None
    context = {"page": lesson, "lesson": lesson, "outline": outline, "course": course}
    return render(request, "learning/lesson_locked.html", context, status=403)


# === End of learner site block ==============================================================


# === Instructor roster ("My courses") =======================================================
# /admin/roster/: the courses a user teaches (administrators: all) and each course's roster,
# with CSV export, staff enroll and drop. Views in learning/admin_views.py, URLs and the menu
# item in learning/viewsets.py.


@hooks.register("register_admin_viewset")
def register_roster_viewset():
    from learning.viewsets import RosterViewSet

    return RosterViewSet()


# === End of instructor roster block =========================================================
