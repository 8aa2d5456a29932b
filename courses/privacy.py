"""Course content in the privacy registry (privacy.registry).

Pages, competencies and paths are content. The one personal link is a course's instructor
list, shown on the public course page: an erased instructor is taken off it (and off the
course's editor group) and the course's cached outline is dropped. The course's stored
revisions keep instructor ids only, which point at the anonymised account.
"""

from courses.models import (
    Competency,
    CourseIndexPage,
    CoursePage,
    CourseTag,
    LearningPath,
    LearningPathStep,
    LessonPage,
    ModulePage,
)
from courses.selectors import course_content_changed
from courses.services import course_instructor_group_sync
from privacy.registry import register, register_no_personal_data


def taught_courses_export(user) -> list[dict]:
    return [{"id": course.pk, "title": course.title} for course in CoursePage.objects.filter(instructors=user)]


def instructor_erase(user) -> None:
    for course in CoursePage.objects.filter(instructors=user):
        CoursePage.instructors.through.objects.filter(coursepage=course, user=user).delete()
        course_instructor_group_sync(course=course)
        course_content_changed(course.path)


PAGE = "page content; owner and lock fields point at the account row, anonymised on erasure (see wagtailcore.Page)"

register(CoursePage, user_path="instructors", export=taught_courses_export, erase=instructor_erase)
register_no_personal_data(CourseIndexPage, PAGE)
register_no_personal_data(ModulePage, PAGE)
register_no_personal_data(LessonPage, PAGE)
register_no_personal_data(Competency, "a competency framework entry: content")
register_no_personal_data(CourseTag, "a tag on a course: content")
register_no_personal_data(LearningPath, "a learning path: content")
register_no_personal_data(LearningPathStep, "a course's place in a path: content")
