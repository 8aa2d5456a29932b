"""Celery tasks for course content: take ids, call one selector or service, idempotent."""

from celery import shared_task

from courses.models import CoursePage
from courses.selectors import course_outline


@shared_task(name="courses.course_outline_warm", acks_late=True)
def course_outline_warm(course_id: int) -> int:
    """Build and cache a course's outline so the first learner doesn't pay for it.

    Returns the number of lessons in the outline (0 when the course is gone).
    """
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return 0
    outline = course_outline(course)
    return outline.lesson_count if outline else 0
