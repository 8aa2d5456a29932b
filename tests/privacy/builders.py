"""A learner with a bit of everything, each personal value carrying a planted marker (a canary),
so a test can look for it in an export or, after an erasure, everywhere."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from rest_framework_simplejwt.tokens import RefreshToken
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from accounts.selectors import admin_access_cache_key
from assessments import lab_services
from assessments import services as assessment_services
from certificates.models import Certificate
from learning import services as learning_services
from tests.assessments.builders import build_lab, build_quiz, place, question
from tests.certificates.helpers import complete_course

CANARY_IP = "198.51.100.77"  # TEST-NET-2: never a real client here


def canary_new() -> str:
    return f"cnry{secrets.token_hex(6)}"


@dataclass
class PlantedLearner:
    user: object
    canary: str
    certificate: Certificate
    attempt: object
    essay_id: str
    session_key: str = ""
    extra: dict = field(default_factory=dict)

    def value(self, name: str) -> str:
        return f"{self.canary}-{name}"


def plant_learner(user, make_course, capture, *, administrator=None, client=None) -> PlantedLearner:
    """Fill every user-writable field we can reach for `user` with canary values.

    - account: names, display name, email (and its allauth address);
    - a completed course with its certificate (name snapshot, PDF on disk);
    - a second course with a quiz attempt (essay and short answer typed by the learner, IP and
      browser at the start) and a wrong flag try (its text is only kept as a digest, and its IP);
    - Wagtail's admin profile with an uploaded avatar (file name and content);
    - a login attempt recorded by django-axes under the email, a JWT refresh token;
    - a signed-in session holding a canary, a cached value under the user's key;
    - with `administrator`: admin and Wagtail log entries naming the account.
    """
    canary = canary_new()

    def value(name):
        return f"{canary}-{name}"

    user.first_name = value("first")
    user.last_name = value("last")
    user.display_name = value("display")
    old_email = user.email
    user.email = f"{canary}@example.org"
    user.save()
    apps.get_model("account", "EmailAddress").objects.filter(user=user, email=old_email).update(email=user.email)

    # A completed course: its certificate snapshots the display name and gets a PDF.
    built = make_course(modules=1, lessons=1, title=f"Incident Response {canary[-4:]}")
    with capture(execute=True):  # the certificate and its PDF come after commit
        enrollment = complete_course(user, built)
    certificate = Certificate.objects.get(enrollment=enrollment)

    # A second course with a quiz and a lab.
    second = make_course(modules=1, lessons=1, title=f"Web Security {canary[-4:]}")
    essay = question("essay", points=5)
    short = question("short_answer")
    quiz = build_quiz(questions=[essay, short, question("single_choice")], counts_toward_completion=False)
    lab = build_lab()
    place(second.lessons[0], quiz, lab)
    learning_services.enrollment_create(user=user, course=second.course)
    attempt, _ = assessment_services.attempt_start(
        user=user, quiz=quiz, ip=CANARY_IP, user_agent=f"Mozilla/5.0 {value('agent')}"
    )
    attempt = assessment_services.attempt_submit(
        attempt=attempt, answers={essay["id"]: value("essay answer"), short["id"]: value("short answer")}
    )
    lab_services.lab_flag_submit(user=user, lab=lab, text=f"FLAG{{{value('flag try')}}}", ip=CANARY_IP)

    # Wagtail's admin profile with an avatar: a file whose name and content carry the canary.
    profile = UserProfile.get_for_user(user)
    profile.avatar.save(f"avatar-{canary}.png", ContentFile(f"PNG {value('avatar content')}".encode()), save=True)

    RefreshToken.for_user(user)

    cache.set(admin_access_cache_key(user.pk), value("cached"), timeout=600)

    planted = PlantedLearner(user=user, canary=canary, certificate=certificate, attempt=attempt, essay_id=essay["id"])
    if client is not None:
        client.force_login(user)
        session = client.session
        session["note"] = value("session")
        session.save()
        planted.session_key = session.session_key
    # After the login above: a successful login resets the account's failed attempts (axes).
    apps.get_model("axes", "AccessAttempt").objects.create(
        username=user.email,
        ip_address=CANARY_IP,
        user_agent=value("login agent"),
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data=f"login={user.email}",
        failures_since_start=1,
    )
    if administrator is not None:
        LogEntry.objects.log_actions(
            user_id=administrator.pk,
            queryset=[user],
            action_flag=CHANGE,
            change_message=f"Changed display name to {user.display_name}",
            single_object=True,
        )
        log(instance=user, action="wagtail.edit", user=administrator)
        assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user)).exists()
    return planted
