"""seed_demo builds a complete demo catalog and one login per role, idempotently, and never in production.

Seeding publishes about 70 pages, so the read-only checks share one seeded database
(setUpTestData); each test still runs in its own rolled-back transaction, so tests that seed
again or edit a page cannot affect the others.
"""

import io
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import GroupPagePermission, Page, PageLogEntry, Revision, Site

from accounts import roles
from accounts.models import User
from courses.models import (
    Competency,
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LearningPathStep,
    LessonPage,
    ModulePage,
)
from home.models import HomePage
from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment
from learning.selectors import path_statuses_for
from lms_site.demo import catalog
from lms_site.demo.competencies import COMPETENCIES
from lms_site.demo.seed import DEMO_PASSWORD, DEMO_USERS

DEMO_INSTRUCTOR = "instructor@wchi.example"
PLACEHOLDER_TEXT = r"\b(lorem|ipsum|dolor sit amet|todo|tbd|xxx)\b"


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _teaching_text(block) -> str:
    if block.block_type == "paragraph":
        return block.value.source
    if block.block_type == "callout":
        return block.value["text"].source
    return ""


def database_counts() -> dict[str, int]:
    models = (
        Page,
        Revision,
        PageLogEntry,
        User,
        Group,
        GroupPagePermission,
        Competency,
        EmailAddress,
        Site,
        LearningPath,
        LearningPathStep,
        Enrollment,
        LessonProgress,
        PathEnrollment,
        CompetencyAttainment,
    )
    return {model.__name__: model.objects.count() for model in models}


class SeededDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo()

    def test_builds_at_least_six_published_courses_in_the_catalog(self):
        index = CourseIndexPage.objects.get()
        courses = CoursePage.objects.child_of(index).live()
        self.assertGreaterEqual(courses.count(), 6)
        self.assertEqual(CoursePage.objects.not_live().count(), 0)

    def test_every_course_has_three_modules_with_lessons(self):
        for course in CoursePage.objects.all():
            modules = ModulePage.objects.child_of(course).live()
            self.assertGreaterEqual(modules.count(), 3, course.title)
            for module in modules:
                self.assertGreaterEqual(LessonPage.objects.child_of(module).live().count(), 2, module.title)

    def test_lessons_teach_real_content_not_placeholder_text(self):
        lessons = LessonPage.objects.all()
        self.assertGreaterEqual(lessons.count(), 40)
        for lesson in lessons:
            prose = strip_tags(" ".join(_teaching_text(block) for block in lesson.body))
            self.assertGreater(len(prose.split()), 100, lesson.title)
            self.assertNotRegex(prose.lower(), PLACEHOLDER_TEXT, lesson.title)

    def test_the_first_lesson_of_every_course_is_a_free_preview(self):
        for course in CoursePage.objects.all():
            first_lesson = LessonPage.objects.descendant_of(course).order_by("path").first()
            self.assertTrue(first_lesson.is_preview, course.title)

    def test_every_page_is_published_through_a_revision(self):
        for page in Page.objects.filter(depth__gt=1):
            self.assertIsNotNone(page.live_revision_id, page.url_path)
            self.assertEqual(page.live_revision_id, page.latest_revision_id, page.url_path)
            self.assertFalse(page.has_unpublished_changes, page.url_path)

    def test_the_home_page_replaces_wagtails_welcome_page_as_the_default_sites_root(self):
        site = Site.objects.get(is_default_site=True)
        self.assertIsInstance(site.root_page.specific, HomePage)
        self.assertEqual(site.site_name, "WCHI LMS")
        self.assertEqual(Page.objects.filter(depth=2).count(), 1)

    def test_the_default_site_answers_on_the_served_address(self):
        """Full URLs (the pages API's html_url, emails) name WAGTAILADMIN_BASE_URL, not localhost:80."""
        served = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site = Site.objects.get(is_default_site=True)
        self.assertEqual((site.hostname, site.port), (served.hostname, served.port or 80))
        course = CoursePage.objects.live().first()
        self.assertTrue(course.full_url.startswith(f"{settings.WAGTAILADMIN_BASE_URL}/courses/"), course.full_url)

    def test_the_demo_student_has_an_upcoming_deadline_on_the_dashboard(self):
        student = User.objects.get(email=catalog.DEMO_STUDENT)
        self.client.force_login(student)
        response = self.client.get("/dashboard/")
        deadlines = [item.enrollment.course.slug for item in response.context["dashboard"].deadlines]
        self.assertEqual(deadlines, ["networking-for-defenders"])
        course = CoursePage.objects.get(slug="networking-for-defenders")
        # Seeded in setUpTestData: a day earlier when the run crossed midnight since.
        self.assertIn((course.complete_by - timezone.localdate()).days, (44, 45))

    def test_courses_carry_catalog_metadata(self):
        for course in CoursePage.objects.prefetch_related("competencies", "tags"):
            self.assertTrue(course.summary and course.description, course.title)
            self.assertTrue(2 <= course.tags.count() <= 4, course.title)
            self.assertTrue(2 <= course.competencies.count() <= 4, course.title)
        soc = CoursePage.objects.get(slug="soc-analyst-foundations")
        self.assertEqual(
            sorted(soc.prerequisites.values_list("slug", flat=True)),
            ["networking-for-defenders", "security-fundamentals"],
        )

    def test_competencies_are_the_nice_framework_subset(self):
        self.assertEqual(Competency.objects.filter(framework="NICE Framework").count(), len(COMPETENCIES))

    def test_every_role_has_a_demo_login_with_a_verified_email(self):
        for role in roles.ALL_ROLES:
            user = User.objects.filter(groups__name=role, email__endswith="@wchi.example").first()
            self.assertIsNotNone(user, role)
            self.assertTrue(user.check_password(DEMO_PASSWORD), role)
            self.assertTrue(
                EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
            )

    def test_the_demo_administrator_may_use_both_admins(self):
        admin = User.objects.get(email="admin@wchi.example")
        self.assertTrue(admin.is_staff)
        self.assertTrue(admin.is_superuser)

    def test_the_demo_instructor_edits_their_courses_and_not_the_others(self):
        instructor = User.objects.get(email=DEMO_INSTRUCTOR)
        taught = CoursePage.objects.filter(instructors=instructor)
        not_taught = CoursePage.objects.exclude(instructors=instructor)
        self.assertTrue(taught.exists())
        self.assertTrue(not_taught.exists())
        for course in taught:
            self.assertTrue(course.permissions_for_user(instructor).can_edit(), course.title)
        for course in not_taught:
            self.assertFalse(course.permissions_for_user(instructor).can_edit(), course.title)

    def test_the_demo_student_completed_one_course_and_earned_its_competencies(self):
        student = User.objects.get(email=catalog.DEMO_STUDENT)
        completed = Enrollment.objects.get(user=student, status=Enrollment.Status.COMPLETED)
        self.assertEqual(completed.course.slug, "security-fundamentals")
        self.assertEqual(completed.completed_lessons, LessonPage.objects.descendant_of(completed.course).count())
        self.assertEqual(
            set(CompetencyAttainment.objects.filter(user=student).values_list("competency__code", flat=True)),
            set(completed.course.competencies.values_list("code", flat=True)),
        )

    def test_the_demo_student_has_two_courses_in_progress(self):
        student = User.objects.get(email=catalog.DEMO_STUDENT)
        active = Enrollment.objects.filter(user=student, status=Enrollment.Status.ACTIVE).select_related("course")
        progress = {e.course.slug: e.completed_lessons for e in active}
        self.assertEqual(progress, {"networking-for-defenders": 3, "linux-for-security": 2})
        for enrollment in active:
            total = LessonPage.objects.descendant_of(enrollment.course).count()
            self.assertTrue(0 < enrollment.completed_lessons < total, enrollment.course.slug)
            self.assertIsNotNone(enrollment.last_lesson_id)

    def test_the_soc_analyst_track_leads_to_soc_analyst_foundations(self):
        path = LearningPath.objects.get(slug="soc-analyst-track")
        self.assertEqual(path.title, "SOC Analyst track")
        self.assertTrue(path.sequential and path.published)
        self.assertEqual(
            [step.course.slug for step in path.steps.all()],
            ["security-fundamentals", "networking-for-defenders", "soc-analyst-foundations"],
        )
        student = User.objects.get(email=catalog.DEMO_STUDENT)
        [status] = path_statuses_for(student)
        self.assertEqual([step["state"] for step in status.steps], ["completed", "enrolled", "locked"])
        self.assertEqual(status.percent, 33)

    def test_running_again_keeps_the_students_own_changes(self):
        student = User.objects.get(email=catalog.DEMO_STUDENT)
        linux = Enrollment.objects.get(user=student, course__slug="linux-for-security")
        linux.status, linux.completed_lessons = Enrollment.Status.DROPPED, 2
        linux.save()

        seed_demo()

        linux.refresh_from_db()
        self.assertEqual(linux.status, Enrollment.Status.DROPPED)

    def test_running_again_creates_and_changes_nothing(self):
        before = database_counts()
        revisions_before = dict(Page.objects.values_list("pk", "latest_revision_id"))

        output = seed_demo()

        self.assertEqual(database_counts(), before)
        self.assertEqual(dict(Page.objects.values_list("pk", "latest_revision_id")), revisions_before)
        self.assertIn("nothing created", output)
        # The second run reports what is there: the student's completed lessons are "existing", not 0.
        completed = LessonProgress.objects.filter(completed_at__isnull=False).count()
        self.assertGreater(completed, 0)
        self.assertRegex(output, rf"completed lessons\s+0 created\s+{completed} existing")

    def test_running_again_keeps_an_instructors_edits(self):
        course = CoursePage.objects.get(slug="security-fundamentals")
        course.title = "Security Fundamentals (2025 edition)"
        course.save_revision().publish()

        seed_demo()

        course.refresh_from_db()
        self.assertEqual(course.title, "Security Fundamentals (2025 edition)")

    def test_running_again_restores_a_deleted_lesson_only(self):
        # A lesson no demo learner has progress in: learner history protects the others.
        lesson = LessonPage.objects.get(slug="sql-injection")
        lesson.delete()
        pages_before = Page.objects.count()

        output = seed_demo()

        self.assertEqual(Page.objects.count(), pages_before + 1)
        self.assertRegex(output, r"lessons\s+1 created")


@pytest.mark.django_db
def test_seed_demo_refuses_when_demo_accounts_are_disabled(settings):
    settings.DEMO_ACCOUNTS_ENABLED = False

    with pytest.raises(CommandError, match="DEMO_ACCOUNTS_ENABLED"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.filter(email__in=[demo.email for demo in DEMO_USERS]).exists()
    assert not CoursePage.objects.exists()


def test_catalog_references_known_competencies_instructors_and_earlier_prerequisites():
    codes = {item["code"] for item in COMPETENCIES}
    emails = {demo.email for demo in DEMO_USERS if demo.role == roles.INSTRUCTOR}
    seen = set()
    for course in catalog.COURSES:
        assert set(course["competencies"]) <= codes, course["slug"]
        assert set(course["instructors"]) <= emails, course["slug"]
        assert set(course["prerequisites"]) <= seen, course["slug"]
        seen.add(course["slug"])
