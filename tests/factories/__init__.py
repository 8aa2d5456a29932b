"""Factories for tests: one per model, building realistic defaults."""

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from courses.models import Competency, CourseIndexPage, CoursePage, LessonPage, ModulePage
from home.models import HomePage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def consented(self, create, extracted, **kwargs):
        """Accepted the terms and privacy versions in force, if any (tests publish none by default).

        `UserFactory(consented=False)` builds someone who has not.
        """
        if create and extracted is not False:
            from profiles.consent import consent_accept, legal_documents_in_force

            consent_accept(user=self, documents=legal_documents_in_force().values())


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("framework", "code")

    framework = "NICE Framework"
    code = factory.Sequence(lambda n: f"PD-WRL-{n:03d}")
    name = factory.Sequence(lambda n: f"Defensive role {n}")
    description = "Protects systems by monitoring, detecting and responding to threats."


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    slug = "home"


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Network Defense {n}")
    slug = factory.Sequence(lambda n: f"network-defense-{n}")
    summary = "Learn to watch a network the way an attacker sees it."
    description = "<p>Packets, ports and protocols, from a defender's point of view.</p>"
    level = "beginner"
    estimated_hours = 6


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "Core ideas and a hands-on exercise."


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    estimated_minutes = 15
    body = factory.LazyFunction(
        lambda: [
            ("heading", {"text": "Reading a packet capture", "level": "h2"}),
            ("paragraph", "<p>Every connection starts with a handshake you can see on the wire.</p>"),
            ("code", {"language": "bash", "caption": "Capture DNS", "code": "tcpdump -nn -i eth0 port 53"}),
            (
                "callout",
                {"kind": "warning", "title": "Authorization", "text": "<p>Capture only on networks you own.</p>"},
            ),
        ]
    )
