from wagtail.models import Page

from courses.models import CoursePage, LessonPage


def site_search(query: str) -> list[Page]:
    """Courses and lessons matching the query, courses first. Archived courses and their lessons are left out."""
    courses = list(CoursePage.objects.live().public().filter(archived=False).search(query, operator="or")[:50])
    archived_paths = list(CoursePage.objects.filter(archived=True).values_list("path", flat=True))
    lessons = LessonPage.objects.live().public()
    for path in archived_paths:
        lessons = lessons.exclude(path__startswith=path)
    return courses + list(lessons.search(query, operator="or")[:50])
