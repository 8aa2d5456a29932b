"""Page trees for tests, usable from pytest fixtures and from Wagtail's TestCase classes alike."""

from wagtail.models import Page, Site

from courses.models import LessonPage, ModulePage
from courses.services import course_instructor_group_sync
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    HomePageFactory,
    LessonPageFactory,
    ModulePageFactory,
)


def build_home_page():
    root = Page.objects.get(depth=1)
    # Wagtail's migrations leave a default welcome page; the site is ours.
    Page.objects.filter(depth=2).exclude(content_type__model="homepage").delete()
    home = HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.root_page = home
    site.hostname = "localhost"
    site.port = 80
    site.site_name = "WCHI LMS"
    site.save()
    Site.clear_site_root_paths_cache()
    return home


def build_catalog(home_page):
    return CourseIndexPageFactory(parent=home_page)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


class BuiltCourse:
    """A built course with quick access to its modules and lessons (fresh from the database)."""

    def __init__(self, course):
        self.course = course

    @property
    def modules(self):
        return list(ModulePage.objects.child_of(self.course).order_by("path"))

    @property
    def lessons(self):
        return list(LessonPage.objects.descendant_of(self.course).order_by("path"))


def build_course(catalog, *, modules=2, lessons=2, instructors=(), competencies=(), tags=(), **fields):
    """A published course with `modules` × `lessons` published lessons; the first lesson is a preview."""
    course = CoursePageFactory(parent=catalog, **fields)
    if competencies:
        course.competencies.set(competencies)
    if instructors:
        course.instructors.set(instructors)
    if tags:
        course.tags.add(*tags)
    publish(course)
    for module_number in range(modules):
        module = publish(ModulePageFactory(parent=course))
        for lesson_number in range(lessons):
            is_first = module_number == 0 and lesson_number == 0
            publish(LessonPageFactory(parent=module, is_preview=is_first))
    course_instructor_group_sync(course=course)
    return BuiltCourse(course)
