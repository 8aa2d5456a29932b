"""Wagtail wiring of the learning app.

Sections are owned separately; add yours in its own block below and leave the others alone.
"""

from django.apps import apps
from django.contrib import messages
from django.db import router
from django.db.models.deletion import PROTECT, RESTRICT, Collector, ProtectedError, RestrictedError
from django.shortcuts import redirect, render
from wagtail import hooks
from wagtail.models import Page

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


# === Deleting pages that hold learner history ===============================================
# Learner records point at course and lesson pages with on_delete=PROTECT, so such a delete
# can never go through. Without these hooks the admin would try and answer 500
# (ProtectedError); with them the editor is told why and pointed to "Unpublish", which keeps
# the history. Every PROTECT or RESTRICT reference counts, whichever app holds it: direct ones
# by EXISTS, the rest (through cascades) by Django's deletion collector.


def _direct_protection(subtree) -> bool:
    """Whether a PROTECT or RESTRICT foreign key points straight at a page of `subtree`: one
    EXISTS per such relation, whatever the number of learner rows (the common case)."""
    page_ids = subtree.values("pk")
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.many_to_one and field.concrete and field.remote_field):
                continue
            if field.remote_field.on_delete not in (PROTECT, RESTRICT):
                continue
            target = field.remote_field.model
            if not (isinstance(target, type) and issubclass(target, Page)):
                continue
            if model._base_manager.filter(**{f"{field.name}__in": page_ids}).exists():
                return True
    return False


def _has_protected_records(pages) -> bool:
    """Whether rows that must be kept protect `pages` or their subpages from deletion. A direct
    reference is found with EXISTS; otherwise Django's deletion collector, which also follows
    cascades, decides (without learner history to load: nothing points at the pages directly)."""
    subtree = Page.objects.none()
    for page in pages:
        subtree |= Page.objects.descendant_of(page, inclusive=True)
    if _direct_protection(subtree):
        return True
    try:
        Collector(using=router.db_for_write(Page)).collect(subtree)
    except (ProtectedError, RestrictedError):
        return True
    return False


def _refuse_delete(request, title: str):
    messages.error(
        request,
        f"“{title}” cannot be deleted: records that must be kept (learners' enrollments, progress, "
        "attempts …) point at it or its subpages. Unpublish it instead: learners keep their history.",
    )


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_learner_history(request, page):
    if not _has_protected_records([page]):
        return None
    _refuse_delete(request, page.get_admin_display_title())
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_pages_with_learner_history(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not objects or not isinstance(objects[0], Page):
        return None
    if not _has_protected_records(objects):
        return None
    _refuse_delete(request, ", ".join(page.get_admin_display_title() for page in objects))
    return redirect(action_class_instance.next_url or "wagtailadmin_home")


# === End of page deletion block =============================================================
