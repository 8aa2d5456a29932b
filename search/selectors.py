from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.selectors import course_path_of

RESULT_LIMIT = 50


def site_search(query: str) -> list[Page]:
    """Courses then lessons matching the query; archived courses and their lessons are left out.

    Each lesson carries `course_title` and `course_url` so results can say where it lives;
    those come from one query for all the lessons' courses.
    """
    courses = list(
        CoursePage.objects.live().public().filter(archived=False).search(query, operator="or")[:RESULT_LIMIT]
    )
    lessons = list(LessonPage.objects.live().public().search(query, operator="or")[:RESULT_LIMIT])
    course_paths = {course_path_of(lesson.path) for lesson in lessons}
    parents = {
        course.path: course
        for course in CoursePage.objects.live()
        .filter(path__in=course_paths)
        .only("id", "path", "url_path", "title", "archived")
    }
    visible_lessons = []
    for lesson in lessons:
        course = parents.get(course_path_of(lesson.path))
        if course is None or course.archived:
            continue
        lesson.course_title = course.title
        lesson.course_url = course.get_url()
        visible_lessons.append(lesson)
    return courses + visible_lessons
