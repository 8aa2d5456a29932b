"""The privacy registry: every installed model is classified, and the handlers' defaults hold."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from learning.models import WaitlistEntry
from privacy import registry


def test_every_installed_model_is_registered_or_declared_without_personal_data():
    unclassified = [model._meta.label for model in registry.unclassified_models()]
    assert not unclassified, (
        "These models are neither registered with the privacy registry nor declared to hold no personal "
        f"data: {', '.join(sorted(unclassified))}. Add them to <app>/privacy.py (see privacy/registry.py)."
    )


def test_the_walk_covers_every_app_including_the_libraries():
    labels = {model._meta.label for model in apps.get_models()}
    # A sample from each library, so a walk that silently skipped third-party apps would fail.
    for label in (
        "sessions.Session",
        "admin.LogEntry",
        "wagtailcore.Revision",
        "wagtailcore.PageLogEntry",
        "wagtailusers.UserProfile",
        "account.EmailAddress",
        "axes.AccessAttempt",
        "otp_totp.TOTPDevice",
        "token_blacklist.OutstandingToken",
        "taggit.Tag",
    ):
        assert label in labels
        model = apps.get_model(label)
        assert registry.registration_for(model) or registry.no_personal_data_reason(model), label


def test_a_model_related_to_the_user_is_never_declared_without_personal_data():
    """A foreign key to the user model means personal data: such a model must have handlers."""
    user_model = get_user_model()
    declared = []
    for model in apps.get_models():
        if registry.no_personal_data_reason(model) is None:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model and not _is_page_bookkeeping(model, field):
                declared.append(f"{model._meta.label}.{field.name}")
    assert not declared, f"declared without personal data but linked to a user: {declared}"


def _is_page_bookkeeping(model, field) -> bool:
    # Page subclasses inherit wagtailcore.Page's owner and lock fields, which Page's own
    # registration (lms_site/privacy.py) handles for every page type.
    from wagtail.models import Page

    return issubclass(model, Page) and field.name in {"owner", "locked_by"}


def test_an_unclassified_model_is_named_by_the_walk(monkeypatch):
    monkeypatch.delitem(registry._registrations, WaitlistEntry)
    assert WaitlistEntry in registry.unclassified_models()


def test_registering_a_model_twice_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.register(WaitlistEntry, user_path="user")
    with pytest.raises(ImproperlyConfigured):
        registry.register_no_personal_data(WaitlistEntry, "it has a user")


def test_a_registration_without_a_user_path_needs_both_handlers():
    with pytest.raises(ImproperlyConfigured):
        registry.register("sessions.Session", user_path=None, export=lambda user: [])


def test_the_user_model_is_erased_last():
    regs = registry.registrations()
    assert regs[-1].model is get_user_model()
    assert all(not r.is_user_model for r in regs[:-1])


@pytest.mark.django_db
def test_default_export_gives_every_concrete_field_and_default_erase_deletes(student, make_course):
    course = make_course().course
    WaitlistEntry.objects.create(user=student, course=course)
    registration = registry.registration_for(WaitlistEntry)

    exported = registration.export(student)

    assert exported == [
        {
            "id": exported[0]["id"],
            "user_id": student.pk,
            "course_id": course.pk,
            "created_at": exported[0]["created_at"],
        }
    ]
    registration.erase(student)
    assert not WaitlistEntry.objects.filter(user=student).exists()
