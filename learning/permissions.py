"""Who may see or do what with learner state: one function per rule, used by pages, API and admin."""

from accounts import roles
from courses.models import CoursePage, LessonPage
from learning.models import Enrollment
from learning.selectors import lesson_course_id


def is_site_administrator(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(roles.ADMINISTRATOR))


def teaches(user, course_id: int) -> bool:
    """The user is listed as an instructor of the course (one query)."""
    if not user.is_authenticated:
        return False
    return CoursePage.instructors.through.objects.filter(coursepage_id=course_id, user_id=user.pk).exists()


def can_manage_roster(user, course: CoursePage) -> bool:
    return is_site_administrator(user) or teaches(user, course.pk)


def can_view_lesson(user, lesson: LessonPage) -> bool:
    """Preview lessons are public; the rest need a current enrollment, or teaching the course."""
    if lesson.is_preview:
        return True
    if not user.is_authenticated:
        return False
    course_id = lesson_course_id(lesson.pk)
    if course_id is None:
        return False
    if Enrollment.objects.current().filter(user=user, course_id=course_id).exists():
        return True
    return is_site_administrator(user) or teaches(user, course_id)
