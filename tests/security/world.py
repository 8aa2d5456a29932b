"""One set of real objects for the authorization tests: every role, a course the instructor teaches
(with a quiz, a proctored exam, a lab, enrollments and attempts), another instructor's course, a
certificate, a learning path, a document. Built once per test module (see conftest.py)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Site
from wagtail.users.models import UserProfile

from accounts import roles
from assessments import services as assessment_services
from courses.models import LearningPath, LearningPathStep
from home.models import SiteSettings
from learning import services as learning_services
from tests.assessments.builders import build_lab, build_quiz, place, question
from tests.builders import build_catalog, build_course, build_home_page
from tests.certificates.helpers import certificate_rows
from tests.factories import UserFactory

ROLE_GROUPS = {
    "student": [roles.STUDENT],
    "other_student": [roles.STUDENT],
    "instructor": [roles.INSTRUCTOR],
    "other_instructor": [roles.INSTRUCTOR],
    "mentor": [roles.MENTOR],
    "administrator": [roles.ADMINISTRATOR],
    "corporate": [roles.CORPORATE_REPRESENTATIVE],
}


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role name -> User
    objects: dict = field(default_factory=dict)  # name -> model instance
    ids: dict = field(default_factory=dict)  # name -> value used in URLs (pk, slug, code, …)
    sessions: dict = field(default_factory=dict)  # role name -> session key (signed in once)

    def add(self, name, obj, value=None):
        self.objects[name] = obj
        self.ids[name] = obj.pk if value is None else value
        return obj


def _start(user, quiz, lesson, **extra):
    attempt, _ = assessment_services.attempt_start(
        user=user, quiz=quiz, lesson_id=lesson.pk, session_key="s", ip="10.0.0.1", user_agent="UA", **extra
    )
    return attempt


def build_world() -> World:
    world = World()
    for role, groups in ROLE_GROUPS.items():
        world.users[role] = UserFactory(
            roles=groups, is_staff=role == "administrator", email=f"{role}@matrix.example", display_name=role
        )
    users = world.users

    home = build_home_page()
    catalog = build_catalog(home)
    # Rows Wagtail creates on first read (a GET must write nothing, so they exist beforehand).
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    for user in users.values():
        UserProfile.get_for_user(user)
    world.add("catalog", catalog)
    built = build_course(catalog, modules=1, lessons=4, instructors=[users["instructor"]], title="Matrix course")
    other = build_course(catalog, modules=1, lessons=1, instructors=[users["other_instructor"]], title="Other")
    world.add("course", built.course)
    world.add("other_course", other.course)
    lessons = built.lessons
    world.add("lesson", lessons[0])
    world.ids["course_url"] = built.course.url
    world.ids["preview_lesson_url"] = lessons[0].url
    world.add("other_lesson", other.lessons[0])

    quiz = build_quiz(title="Matrix quiz", owner=users["instructor"], max_attempts=None)
    place(lessons[1], quiz)
    now = timezone.now()
    exam = build_quiz(
        title="Matrix exam",
        owner=users["instructor"],
        proctored=True,
        proctor=users["mentor"],
        available_from=now - timedelta(hours=1),
        available_until=now + timedelta(hours=2),
        questions=[question("essay", block_id="essay", points=5)],
    )
    place(lessons[2], exam)
    lab = build_lab(title="Matrix lab", owner=users["instructor"], hints=(("Look in /tmp", 1),))
    place(lessons[3], lab)
    world.add("quiz", quiz)
    world.add("exam", exam)
    world.add("lab", lab)
    world.add("hint", lab.hints.get())
    world.add("quiz_revision", quiz.latest_revision)
    world.add("lab_revision", lab.latest_revision)

    for role in ("student", "other_student"):
        enrollment, _ = learning_services.enrollment_create(user=users[role], course=built.course)
        world.add(f"{role}_enrollment", enrollment)
        world.add(f"{role}_attempt", _start(users[role], quiz, lessons[1]))
    exam_attempt = _start(users["student"], exam, lessons[2], integrity_accepted=True)
    exam_attempt = assessment_services.attempt_submit(attempt=exam_attempt, answers={"essay": "My essay."})
    world.add("exam_attempt", exam_attempt)

    certificate = certificate_rows(users["student"], other.course, 1)[0]
    world.add("certificate", certificate)
    world.ids["certificate_code"] = certificate.code
    certificate.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    certificate.pdf_rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    other_certificate = certificate_rows(users["other_student"], other.course, 1)[0]
    world.add("other_certificate", other_certificate)

    path = LearningPath.objects.create(title="Matrix path", slug="matrix-path", summary="A path.")
    LearningPathStep.objects.create(path=path, course=built.course, sort_order=0)
    world.add("path", path)
    world.ids["path_slug"] = path.slug

    document = get_document_model().objects.create(title="guide.txt", file=ContentFile(b"guide", name="guide.txt"))
    world.add("document", document)
    world.ids["document_filename"] = document.filename
    world.ids["missing_uuid"] = "00000000-0000-4000-8000-000000000000"
    return world
