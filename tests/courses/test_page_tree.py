"""Page tree rules: which page types may live where."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from home.models import HomePage
from tests.factories import UserFactory


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_and_holds_the_catalog(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})

    def test_catalog_holds_courses_only(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})

    def test_course_holds_modules_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})

    def test_module_holds_lessons_only(self):
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})

    def test_lesson_is_a_leaf(self):
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_lessons_cannot_skip_the_module_level(self):
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)


class PageRenderTests(WagtailPageTestCase):
    """Each page type renders on the site and in the admin preview, and its edit view opens."""

    @classmethod
    def setUpTestData(cls):
        from tests.builders import build_catalog, build_course, build_home_page

        cls.home = build_home_page()
        cls.catalog = build_catalog(cls.home)
        cls.built = build_course(cls.catalog, modules=1, lessons=1)
        cls.admin = UserFactory(roles=["Administrator"], is_staff=True, is_superuser=True)

    def pages(self):
        return [self.home, self.catalog, self.built.course, self.built.modules[0], self.built.lessons[0]]

    def test_every_page_type_renders(self):
        for page in self.pages():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_every_page_type_is_editable_and_previewable(self):
        for page in self.pages():
            with self.subTest(page=type(page).__name__):
                post_data = None
                if isinstance(page, LessonPage):
                    # Wagtail cannot derive StreamField POST data from a form on its own.
                    post_data = nested_form_data(
                        {
                            "title": page.title,
                            "slug": page.slug,
                            "estimated_minutes": page.estimated_minutes,
                            "body": streamfield([("heading", {"text": "Edited", "level": "h2"})]),
                        }
                    )
                self.assertPageIsEditable(page, post_data=post_data, user=self.admin)
                self.assertPageIsPreviewable(page, post_data=post_data, user=self.admin)
