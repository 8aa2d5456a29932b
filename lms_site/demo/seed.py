"""Demo data: the site tree, NICE competencies, a cybersecurity catalog, one user per role, a
learning path and the demo student's progress.

Idempotent: everything is looked up by a stable key (email for users, (framework, code) for
competencies, slug under its parent for pages) and what already exists is left exactly as it
is, so a second run creates nothing and an instructor's edits to a demo course survive a
re-seed. A missing page is created under an existing parent, so lessons added to the catalog
data later reach databases seeded earlier.

Demo accounts share a published password, so the seed refuses to run unless
`settings.DEMO_ACCOUNTS_ENABLED` is true (dev and test settings; never production).
"""

from __future__ import annotations

import uuid
from base64 import b32decode
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import IO
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, Site

from accounts import roles
from accounts.models import User
from accounts.services import user_set_roles
from courses.blocks import LessonStreamBlock
from courses.models import (
    Competency,
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LearningPathStep,
    LessonPage,
    ModulePage,
)
from courses.services import course_instructor_group_sync
from home.models import HomePage
from learning import services as learning_services
from learning.models import Enrollment, PathEnrollment
from lms_site.demo import assessments as demo_assessments
from lms_site.demo import catalog
from lms_site.demo.competencies import COMPETENCIES, NICE_FRAMEWORK
from mfa.models import BackupCodeDevice
from mfa.services import backup_codes_set
from profiles.consent import consent_accept, legal_documents_to_accept
from profiles.consent_models import LegalDocument

DEMO_PASSWORD = "wchi-demo-password"  # noqa: S105 - published on purpose; demo settings only
SITE_NAME = "WCHI LMS"


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: str
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("student@wchi.example", "Sam Student", roles.STUDENT),
    DemoUser("instructor@wchi.example", "Ira Instructor", roles.INSTRUCTOR),
    DemoUser("instructor2@wchi.example", "Quinn Instructor", roles.INSTRUCTOR),
    DemoUser("mentor@wchi.example", "Maya Mentor", roles.MENTOR),
    DemoUser("admin@wchi.example", "Ada Administrator", roles.ADMINISTRATOR, superuser=True),
    DemoUser("corporate@wchi.example", "Cory Corporate", roles.CORPORATE_REPRESENTATIVE),
)
ADMIN_EMAIL = "admin@wchi.example"

# Two-factor authentication is mandatory for staff: each staff demo account comes with a
# confirmed authenticator (TOTP, SHA-1, 6 digits, 30 s) under this published base32 secret and
# ten backup codes "<name>-01" … "<name>-10" (README "Demo accounts"). Demo settings only.
DEMO_TOTP_SECRETS = {  # published on purpose; demo settings only
    "instructor@wchi.example": "M44IV43W3OCVPUJXA7UJE5PK3ILXYHWH",
    "instructor2@wchi.example": "IRM45JXXUFZYNGMKB2QWTOLRSUTCTAZG",
    "mentor@wchi.example": "X6Z73F2I4YU7FG6UDV3EDMZC2M2QMWBU",
    "admin@wchi.example": "VSVQ62D25GBIXLACSGCLXYI67BLAMMTS",
    "corporate@wchi.example": "IBD5IUQBRCGBOKNVXWCMPDY3ZJRH6CFM",
}


def demo_backup_codes(email: str) -> list[str]:
    name = email.partition("@")[0]
    return [f"{name}-{number:02d}" for number in range(1, 11)]


# Report lines, in the order they are printed.
KINDS = (
    "users",
    "competencies",
    "home page",
    "catalog",
    "courses",
    "modules",
    "lessons",
    "learning paths",
    "quizzes",
    "labs",
    "enrollments",
    "completed lessons",
    "legal documents",
)


class DemoSeedError(Exception):
    """The demo cannot be seeded here; the message says why and what to do."""


class DemoSeedDisabled(DemoSeedError):
    """Demo data was requested where demo accounts are not allowed."""


class DemoSeedConflict(DemoSeedError):
    """Existing data occupies a place the demo needs and is not the demo's own."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    def summary_lines(self) -> list[str]:
        width = max(len(kind) for kind in KINDS)
        lines = [
            f"  {kind:<{width}}  {self.created[kind]:>3} created  {self.existing[kind]:>3} existing" for kind in KINDS
        ]
        return lines + [f"  note: {note}" for note in self.notes]


def demo_seed(*, stdout: IO[str] | None = None) -> SeedReport:
    """Build the demo data that is missing; leave everything that exists untouched.

    One transaction: a failure (e.g. invalid catalog data) leaves the database as it was.
    """
    if not getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
        raise DemoSeedDisabled(
            "Demo data is disabled here: settings.DEMO_ACCOUNTS_ENABLED is false. "
            "The demo accounts share a published password and must never exist in production."
        )
    report = SeedReport()
    with transaction.atomic():
        users = demo_users_seed(report=report)
        demo_mfa_seed(users=users)
        demo_legal_documents_seed(report=report, users=users.values())
        competencies = demo_competencies_seed(report=report)
        admin = users[ADMIN_EMAIL]
        home = demo_home_seed(report=report, user=admin)
        index = demo_catalog_index_seed(report=report, home=home, user=admin)
        for course_data in catalog.COURSES:
            course, created = demo_course_seed(
                report=report, index=index, data=course_data, users=users, competencies=competencies
            )
            if stdout is not None:
                stdout.write(f"{'created' if created else 'exists '}  {course.title}\n")
        demo_assessments_seed(report=report, index=index, users=users)
        paths = demo_learning_paths_seed(report=report, index=index)
        demo_student_progress_seed(report=report, index=index, student=users[catalog.DEMO_STUDENT], paths=paths)
    return report


# --- Users ---------------------------------------------------------------------------------


def demo_users_seed(*, report: SeedReport) -> dict[str, User]:
    """One user per demo account, with a verified primary address so mandatory email verification lets them in."""
    users = {}
    for demo in DEMO_USERS:
        user = User.objects.filter(email__iexact=demo.email).first()
        if user is None:
            user = _demo_user_create(demo)
            report.created["users"] += 1
        else:
            report.existing["users"] += 1
        users[demo.email] = user
    return users


def _demo_user_create(demo: DemoUser) -> User:
    first_name, _, last_name = demo.display_name.partition(" ")
    create = User.objects.create_superuser if demo.superuser else User.objects.create_user
    user = create(
        email=demo.email,
        password=DEMO_PASSWORD,
        display_name=demo.display_name,
        first_name=first_name,
        last_name=last_name,
    )
    user_set_roles(user=user, role_names=[demo.role])
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


# --- Terms of service and privacy policy ---------------------------------------------------

DEMO_LEGAL_DOCUMENTS = (
    (
        LegalDocument.Kind.TERMS,
        "Terms of service",
        "<p>Demo terms of service: use the labs only on systems you own.</p>",
    ),
    (LegalDocument.Kind.PRIVACY, "Privacy policy", "<p>Demo privacy policy: what we keep about you and why.</p>"),
)


def demo_legal_documents_seed(*, report: SeedReport, users) -> None:
    """A first version of the terms and privacy policy, accepted by every demo account (so they can sign in)."""
    for kind, title, body in DEMO_LEGAL_DOCUMENTS:
        if LegalDocument.objects.filter(kind=kind).exists():
            report.existing["legal documents"] += 1
        else:
            LegalDocument.objects.create(kind=kind, version="1.0", title=title, body=body)
            report.created["legal documents"] += 1
    for user in users:
        missing = legal_documents_to_accept(user)
        if missing:
            consent_accept(user=user, documents=missing)


def demo_mfa_seed(*, users: dict[str, User]) -> None:
    """Each staff demo account's authenticator and backup codes, created once (a used code stays used)."""
    for email, secret in DEMO_TOTP_SECRETS.items():
        user = users[email]
        if not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="Demo authenticator", key=b32decode(secret).hex(), confirmed=True)
        if not BackupCodeDevice.objects.filter(user=user).exists():
            backup_codes_set(user=user, codes=demo_backup_codes(email))


# --- Competencies --------------------------------------------------------------------------


def demo_competencies_seed(*, report: SeedReport) -> dict[str, Competency]:
    competencies = {}
    for item in COMPETENCIES:
        competency, created = Competency.objects.get_or_create(
            framework=NICE_FRAMEWORK,
            code=item["code"],
            defaults={"name": item["name"], "description": item["description"]},
        )
        (report.created if created else report.existing)["competencies"] += 1
        competencies[item["code"]] = competency
    return competencies


# --- Site tree -----------------------------------------------------------------------------


def demo_home_seed(*, report: SeedReport, user: User) -> HomePage:
    """Our HomePage at depth 2 (slug "home") as the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    default_site = (
        Site.objects.filter(is_default_site=True).first() or Site.objects.filter(hostname="localhost", port=80).first()
    )
    # There is only ever one HomePage; an editor may have changed its slug since the last seed.
    home = HomePage.objects.child_of(root).first()
    replaced_root_id = None
    if home is not None:
        report.existing["home page"] += 1
    else:
        existing = root.get_children().filter(slug=catalog.HOME["slug"]).first()
        if existing is not None:
            replaced_root_id = existing.pk
            _welcome_page_delete(existing, sites=Site.objects.filter(root_page=existing), root=root)
        home = _page_create(parent=root, page=HomePage(**_fields(catalog.HOME, HOME_FIELDS)), user=user)
        report.created["home page"] += 1

    if default_site is None:
        hostname, port = _site_address()
        Site.objects.create(hostname=hostname, port=port, site_name=SITE_NAME, root_page=home, is_default_site=True)
        Site.clear_site_root_paths_cache()
    elif default_site.root_page_id != home.pk or not default_site.is_default_site:
        if default_site.root_page_id not in (replaced_root_id, root.pk, home.pk):
            report.notes.append(
                f"site {default_site.hostname}:{default_site.port} moved from page "
                f"{default_site.root_page_id} to the demo home page"
            )
        default_site.root_page = home
        default_site.is_default_site = True
        default_site.site_name = default_site.site_name or SITE_NAME
        default_site.save()
        Site.clear_site_root_paths_cache()
    if default_site is not None and (default_site.hostname, default_site.port) == ("localhost", 80):
        # Wagtail's stock site says localhost:80; full URLs (/api/v2/pages/ html_url, emails)
        # should name the address the demo is served on (WAGTAILADMIN_BASE_URL).
        address = _site_address()
        if address != ("localhost", 80):
            default_site.hostname, default_site.port = address
            default_site.save(update_fields=["hostname", "port"])
            Site.clear_site_root_paths_cache()
            report.notes.append(f"default site now answers as {address[0]}:{address[1]}")
    return home


def _site_address() -> tuple[str, int]:
    """(hostname, port) of WAGTAILADMIN_BASE_URL, the address the site is served on."""
    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


def _welcome_page_delete(page: Page, *, sites, root: Page) -> None:
    """Delete Wagtail's generic welcome page, and nothing that anyone built."""
    if page.specific_class is not Page or page.numchild:
        raise DemoSeedConflict(
            f"A page with slug {page.slug!r} already sits at the top of the tree ({page.specific_class.__name__}, "
            f"{page.numchild} children). Move or rename it before seeding the demo."
        )
    # Site.root_page cascades: park the sites on the tree root so deleting the page keeps them.
    for site in sites:
        site.root_page = root
        site.save(update_fields=["root_page"])
    page.delete()


def demo_catalog_index_seed(*, report: SeedReport, home: HomePage, user: User) -> CourseIndexPage:
    index = _child_page(home, CourseIndexPage, catalog.CATALOG_INDEX["slug"])
    if index is not None:
        report.existing["catalog"] += 1
        return index
    # No instructor permission on the catalog itself (see courses.services): administrators
    # create courses, and each course's instructors get that course's editor group.
    index = _page_create(parent=home, page=CourseIndexPage(**_fields(catalog.CATALOG_INDEX, INDEX_FIELDS)), user=user)
    report.created["catalog"] += 1
    return index


# --- Courses -------------------------------------------------------------------------------

HOME_FIELDS = ("title", "slug", "hero_title", "hero_text", "hero_cta_label", "body")
INDEX_FIELDS = ("title", "slug", "intro")
COURSE_FIELDS = ("title", "slug", "summary", "description", "level", "estimated_hours", "capacity")
MODULE_FIELDS = ("title", "slug", "summary", "objectives")
LESSON_FIELDS = ("title", "slug", "estimated_minutes", "is_preview")


def demo_course_seed(
    *,
    report: SeedReport,
    index: CourseIndexPage,
    data: dict,
    users: dict[str, User],
    competencies: dict[str, Competency],
) -> tuple[CoursePage, bool]:
    """A course with whichever of its modules and lessons are missing.

    Revisions are authored by the course's first instructor, so the page history reads as
    the instructor's work; the course's editor group is synced when the course is created.
    """
    author = users[data["instructors"][0]]
    course = _child_page(index, CoursePage, data["slug"])
    created = course is None
    if created:
        course = CoursePage(**_fields(data, COURSE_FIELDS), price=Decimal(data.get("price", "0")))
        if data.get("complete_in_days"):
            course.complete_by = timezone.localdate() + timedelta(days=data["complete_in_days"])
        course.instructors = [users[email] for email in data["instructors"]]
        course.competencies = [competencies[code] for code in data["competencies"]]
        course.prerequisites = [_course_by_slug(index, slug) for slug in data.get("prerequisites", ())]
        course.tags.add(*data["tags"])
        course = _page_create(parent=index, page=course, user=author)
        course_instructor_group_sync(course=course)
    (report.created if created else report.existing)["courses"] += 1

    for module_data in data["modules"]:
        module = _child_page(course, ModulePage, module_data["slug"])
        if module is None:
            module = _page_create(parent=course, page=ModulePage(**_fields(module_data, MODULE_FIELDS)), user=author)
            report.created["modules"] += 1
        else:
            report.existing["modules"] += 1
        for lesson_data in module_data["lessons"]:
            if _child_page(module, LessonPage, lesson_data["slug"]) is not None:
                report.existing["lessons"] += 1
                continue
            lesson = LessonPage(**_fields(lesson_data, LESSON_FIELDS), body=_lesson_body(lesson_data))
            _page_create(parent=module, page=lesson, user=author)
            report.created["lessons"] += 1
    return course, created


def _course_by_slug(index: CourseIndexPage, slug: str) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=slug).first()
    if course is None:
        raise DemoSeedConflict(f"Prerequisite {slug!r} is missing: it must come earlier in catalog.COURSES.")
    return course


def _lesson_body(lesson_data: dict):
    """The lesson's blocks, validated like the page editor would (choices, lengths, required parts)."""
    block = LessonStreamBlock()
    value = block.to_python(lesson_data["body"])
    return block.clean(value)


# --- Learning ------------------------------------------------------------------------------


def demo_learning_paths_seed(*, report: SeedReport, index: CourseIndexPage) -> dict[str, LearningPath]:
    """The demo learning paths, looked up by slug; an existing path (and its steps) is left as it is."""
    paths = {}
    for data in catalog.LEARNING_PATHS:
        path = LearningPath.objects.filter(slug=data["slug"]).first()
        if path is None:
            path = LearningPath.objects.create(
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                sequential=data["sequential"],
            )
            for order, slug in enumerate(data["courses"]):
                LearningPathStep.objects.create(path=path, course=_course_by_slug(index, slug), sort_order=order)
            report.created["learning paths"] += 1
        else:
            report.existing["learning paths"] += 1
        paths[data["slug"]] = path
    return paths


def demo_student_progress_seed(
    *, report: SeedReport, index: CourseIndexPage, student: User, paths: dict[str, LearningPath]
) -> None:
    """Enroll the demo student and complete lessons through learning.services, as their clicks would.

    Completion, competencies and learning-path progress therefore follow the real rules. An
    enrollment the student already has (in the course's current edition), whatever its state,
    is left as it is with its progress: they may have dropped or finished courses while trying
    the demo. Paths are joined last, so joining enrolls in nothing new.
    """
    for item in catalog.DEMO_STUDENT_ENROLLMENTS:
        course = learning_services.course_current_edition(_course_by_slug(index, item["course"]))
        existing = Enrollment.objects.filter(user=student, course=course).first()
        if existing is not None:
            report.existing["enrollments"] += 1
            report.existing["completed lessons"] += existing.lesson_progress.filter(completed_at__isnull=False).count()
            continue
        source = Enrollment.Source.PATH if item.get("path") else Enrollment.Source.SELF
        enrollment, _ = learning_services.enrollment_create(user=student, course=course, source=source)
        report.created["enrollments"] += 1
        lessons = LessonPage.objects.descendant_of(enrollment.course).live().order_by("path")
        for lesson in lessons if item["lessons"] == "all" else lessons[: item["lessons"]]:
            if lesson.completes_by_assessment:
                _demo_assessments_pass(student=student, lesson=lesson)
            else:
                learning_services.lesson_complete(user=student, lesson=lesson)
            report.created["completed lessons"] += 1
    for slug in {item["path"] for item in catalog.DEMO_STUDENT_ENROLLMENTS if item.get("path")}:
        if not PathEnrollment.objects.filter(user=student, path=paths[slug]).exists():
            learning_services.path_enroll(user=student, path=paths[slug])


# --- Assessments ---------------------------------------------------------------------------


def demo_assessments_seed(*, report: SeedReport, index: CourseIndexPage, users: dict[str, User]) -> None:
    """A quiz and a lab in each demo course and a proctored final exam, each placed in its lesson."""
    proctor = users["mentor@wchi.example"]
    for data in [*demo_assessments.QUIZZES, demo_assessments.FINAL_EXAM]:
        owner = _course_by_slug(index, data["place"][0]).instructors.first()
        quiz, created = demo_assessments.quiz_seed(data, owner=owner, proctor=proctor)
        (report.created if created else report.existing)["quizzes"] += 1
        _demo_place(index=index, where=data["place"], block_type="quiz", target=quiz)
    for data in demo_assessments.LABS:
        lab, created = demo_assessments.lab_seed(
            data, owner=_course_by_slug(index, data["place"][0]).instructors.first()
        )
        (report.created if created else report.existing)["labs"] += 1
        _demo_place(index=index, where=data["place"], block_type="lab", target=lab)


def _demo_place(*, index: CourseIndexPage, where: tuple[str, str, str], block_type: str, target) -> None:
    """Add the quiz or lab block to the end of the lesson, once, and publish the lesson."""
    course_slug, module_slug, lesson_slug = where
    module = _child_page(_course_by_slug(index, course_slug), ModulePage, module_slug)
    lesson = _child_page(module, LessonPage, lesson_slug) if module else None
    if lesson is None:
        raise DemoSeedConflict(f"Lesson {'/'.join(where)} is missing: it cannot hold {target}.")
    raw = list(lesson.body.raw_data)
    if any(block.get("type") == block_type and block.get("value") == target.pk for block in raw):
        return
    lesson.body = [*raw, {"type": block_type, "value": target.pk, "id": str(uuid.uuid4())}]
    revision = lesson.save_revision(user=lesson.owner)
    revision.publish(user=lesson.owner, skip_permission_checks=True)


def _demo_assessments_pass(*, student: User, lesson: LessonPage) -> None:
    """Pass the lesson's quizzes and capture its labs' flags through the services, as the student would."""
    from assessments import grading, lab_services
    from assessments import services as assessment_services
    from assessments.models import AssessmentPlacement

    for placement in AssessmentPlacement.objects.filter(lesson=lesson).select_related("quiz", "lab"):
        if placement.quiz_id:
            attempt, _ = assessment_services.attempt_start(user=student, quiz=placement.quiz, lesson_id=lesson.pk)
            answers = {q["id"]: grading.correct_answer(q) for q in attempt.questions if q["type"] != "essay"}
            assessment_services.attempt_submit(attempt=attempt, answers=answers)
        else:
            lab = placement.lab
            texts = demo_assessments.static_flag_texts(lab)
            texts += [lab.learner_flag(flag, student) for flag in lab.flags.filter(kind="per_learner")]
            for text in texts:
                lab_services.lab_flag_submit(user=student, lab=lab, text=text, lesson_id=lesson.pk)


# --- Pages ---------------------------------------------------------------------------------


def _fields(data: dict, names: tuple[str, ...]) -> dict:
    return {name: data[name] for name in names if name in data}


def _child_page(parent: Page, model: type[Page], slug: str):
    """The specific child page with this slug, None if there is none, an error if it is another kind of page."""
    page = parent.get_children().filter(slug=slug).first()
    if page is None:
        return None
    if page.specific_class is not model:
        raise DemoSeedConflict(
            f"{page.url_path} is a {page.specific_class.__name__}, not a {model.__name__}. "
            "Move or rename it before seeding the demo."
        )
    return page.specific


def _page_create(*, parent: Page, page: Page, user: User) -> Page:
    """Add the page under its parent and publish it through a revision, as the editor would."""
    page.owner = user
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action="wagtail.create")
    # A seeding script acts for the site, not for the author: the author (e.g. a course's
    # instructor) may not hold publish permission until the course's editor group exists.
    revision.publish(user=user, skip_permission_checks=True)
    page.refresh_from_db()
    return page
