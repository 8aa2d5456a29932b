"""Admin wiring for courses: instructor permissions follow the course's instructor list."""

from wagtail import hooks

from courses.models import CoursePage
from courses.services import course_instructor_group_sync


@hooks.register("after_create_page")
def _course_created(request, page):
    specific = page.specific
    if isinstance(specific, CoursePage):
        course_instructor_group_sync(course=specific, instructors=list(specific.instructors.all()))


@hooks.register("after_edit_page")
def _course_edited(request, page):
    specific = page.specific
    if isinstance(specific, CoursePage):
        course_instructor_group_sync(course=specific, instructors=list(specific.instructors.all()))
