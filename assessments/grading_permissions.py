"""Who may see grades and grade: instructors of the course, and site administrators.

One function per rule, used by the instructor admin views and the gradebook API alike; each
`*_for(user)` queryset is the same rule as its `can_*` function, for lists. Anyone else gets 404
(the course, attempt or quiz is "not found"), never a 403 that confirms it exists.
(Kept apart from assessments/permissions.py only because another engineer owns that module;
merge them when convenient.)
"""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models import AssessmentPlacement, Attempt, Quiz
from courses.models import CoursePage
from learning.permissions import is_site_administrator, teaches


def _taught_course_ids(user):
    """The ids of the courses that list the user as an instructor, as a subquery (no join, no duplicates)."""
    return CoursePage.instructors.through.objects.filter(user_id=user.pk).values("coursepage_id")


def _is_active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_gradebook(user, course: CoursePage) -> bool:
    """The course's gradebook (every learner's grades): its instructors and site administrators."""
    return _is_active(user) and (is_site_administrator(user) or teaches(user, course.pk))


def gradebook_courses_for(user) -> QuerySet[CoursePage]:
    """`can_view_gradebook` as a queryset: the courses whose gradebook the user may open."""
    if not _is_active(user):
        return CoursePage.objects.none()
    if is_site_administrator(user):
        return CoursePage.objects.all()
    return CoursePage.objects.filter(pk__in=_taught_course_ids(user))


def grading_queue_for(user) -> QuerySet[Attempt]:
    """Attempts the user may grade by hand: in courses they teach (administrators: all)."""
    attempts = Attempt.objects.all()
    if not _is_active(user):
        return attempts.none()
    if is_site_administrator(user):
        return attempts
    return attempts.filter(enrollment__course_id__in=_taught_course_ids(user))


def can_grade_attempt(user, attempt: Attempt) -> bool:
    """Score an attempt's essays: an instructor of the attempt's course (its edition), an administrator."""
    return _is_active(user) and (is_site_administrator(user) or teaches(user, attempt.enrollment.course_id))


def can_view_quiz_statistics(user, quiz: Quiz) -> bool:
    """A quiz's statistics and its regrade: instructors of a course the quiz is placed in, administrators.

    The quiz is a shared snippet and regrading follows its (shared) answer key, so any course
    that uses it is enough; the figures themselves are limited by `statistics_attempts_for`.
    """
    if not _is_active(user):
        return False
    if is_site_administrator(user):
        return True
    return AssessmentPlacement.objects.filter(quiz=quiz, course_id__in=_taught_course_ids(user)).exists()


def statistics_attempts_for(user, quiz: Quiz) -> QuerySet[Attempt]:
    """The quiz's attempts whose figures the user may see: in courses they teach (administrators: all)."""
    attempts = Attempt.objects.filter(quiz=quiz)
    if is_site_administrator(user):
        return attempts
    return attempts.filter(enrollment__course_id__in=_taught_course_ids(user))
