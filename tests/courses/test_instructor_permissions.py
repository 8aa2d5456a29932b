"""An instructor edits, adds to and publishes only the courses they are listed on."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts import roles
from courses.models import CoursePage, LessonPage, ModulePage
from tests.builders import build_catalog, build_course, build_home_page
from tests.factories import UserFactory


def lesson_form_data(title: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "estimated_minutes": 20,
            "body": streamfield(
                [
                    ("heading", {"text": "Disable password logins", "level": "h2"}),
                    ("paragraph", rich_text("<p>Keys resist guessing; passwords do not.</p>")),
                ]
            ),
        }
    )


class InstructorPermissionTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.instructor = UserFactory(roles=[roles.INSTRUCTOR])
        cls.other_instructor = UserFactory(roles=[roles.INSTRUCTOR])
        home = build_home_page()
        cls.catalog = build_catalog(home)
        cls.own = build_course(cls.catalog, modules=1, lessons=1, instructors=[cls.instructor])
        cls.foreign = build_course(cls.catalog, modules=1, lessons=1, instructors=[cls.other_instructor])

    def setUp(self):
        self.client.force_login(self.instructor)

    def test_instructor_creates_and_publishes_a_lesson_in_their_course(self):
        module = self.own.modules[0]
        self.assertCanCreate(module, LessonPage, lesson_form_data("Hardening SSH"))
        lesson = LessonPage.objects.child_of(module).get(title="Hardening SSH")
        assert lesson.live
        assert [block.block_type for block in lesson.body] == ["heading", "paragraph"]

    def test_instructor_edits_their_course(self):
        response = self.client.get(f"/admin/pages/{self.own.course.pk}/edit/")
        assert response.status_code == 200

    def assert_refused(self, response):
        # Wagtail answers a permission failure with a redirect to the dashboard and a message.
        assert response.status_code == 302
        assert response["Location"] == "/admin/"

    def test_instructor_is_refused_on_another_course(self):
        self.assert_refused(self.client.get(f"/admin/pages/{self.foreign.course.pk}/edit/"))
        self.assert_refused(self.client.get(f"/admin/pages/{self.foreign.lessons[0].pk}/edit/"))

    def test_instructor_cannot_add_a_lesson_to_another_course(self):
        module = self.foreign.modules[0]
        data = {**lesson_form_data("Sneaky"), "slug": "sneaky", "action-publish": "action-publish"}
        self.assert_refused(self.client.post(f"/admin/pages/add/courses/lessonpage/{module.pk}/", data))
        assert not LessonPage.objects.filter(title="Sneaky").exists()

    def test_instructor_cannot_publish_changes_to_another_course(self):
        lesson = self.foreign.lessons[0]
        data = {**lesson_form_data("Renamed by someone else"), "slug": lesson.slug, "action-publish": "action-publish"}
        self.assert_refused(self.client.post(f"/admin/pages/{lesson.pk}/edit/", data))
        lesson.refresh_from_db()
        assert lesson.title != "Renamed by someone else"

    def test_instructor_cannot_create_courses_in_the_catalog(self):
        self.assert_refused(self.client.get(f"/admin/pages/add/courses/coursepage/{self.catalog.pk}/"))

    def test_removing_an_instructor_from_a_course_revokes_editing(self):
        course = CoursePage.objects.get(pk=self.own.course.pk)
        admin = UserFactory(roles=[roles.ADMINISTRATOR], is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        data = nested_form_data(
            {
                "title": course.title,
                "slug": course.slug,
                "summary": course.summary,
                "description": rich_text(course.description),
                "level": course.level,
                "estimated_hours": course.estimated_hours,
                "price": "0",
                "instructors": [self.other_instructor.pk],
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(f"/admin/pages/{course.pk}/edit/", data)
        assert response.status_code == 302, response.context["form"].errors
        self.client.force_login(self.instructor)
        self.assert_refused(self.client.get(f"/admin/pages/{course.pk}/edit/"))

    def test_instructor_sees_revision_history_and_can_roll_back(self):
        lesson = self.own.lessons[0]
        original_title = lesson.title
        data = {**lesson_form_data("Second version"), "slug": lesson.slug, "action-publish": "action-publish"}
        assert self.client.post(f"/admin/pages/{lesson.pk}/edit/", data).status_code == 302
        history = self.client.get(f"/admin/pages/{lesson.pk}/history/")
        assert history.status_code == 200
        assert b"Second version" in history.content
        first_revision = lesson.revisions.order_by("created_at").first()
        revert = self.client.get(f"/admin/pages/{lesson.pk}/revisions/{first_revision.pk}/revert/")
        assert revert.status_code == 200
        assert revert.context["form"].instance.title == original_title
        # Publishing the reverted form brings the first version back to the site.
        restored = {**lesson_form_data(original_title), "slug": lesson.slug, "action-publish": "action-publish"}
        assert self.client.post(f"/admin/pages/{lesson.pk}/edit/", restored).status_code == 302
        lesson.refresh_from_db()
        assert lesson.title == original_title
        assert lesson.revisions.count() == 3

    def test_module_page_can_be_created_in_own_course(self):
        self.assertCanCreate(
            self.own.course, ModulePage, nested_form_data({"title": "Incident handling", "summary": "Triage first."})
        )
        assert Page.objects.filter(title="Incident handling").exists()
