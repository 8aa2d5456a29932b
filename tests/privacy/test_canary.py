"""Family H: after an erasure, no planted value is found anywhere — database (every column of
every table, the audit trail and the search index included), files, cache, export archives.

The meta-test below takes one erase handler away at a time and checks the scan then finds the
canary: the scan is what catches a model someone forgot."""

import dataclasses
import warnings
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from accounts.selectors import admin_access_cache_key
from privacy import registry, services
from privacy.models import ErasureRequest
from privacy.tasks import erasure_due
from tests.privacy.builders import CANARY_IP
from tests.privacy.scan import everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted_and_exported(student, administrator, plant, client, run_on_commit, _media_in_tmp):
    planted = plant(student, administrator=administrator, client=client)
    # A consent record with the learner's IP, when the profiles app keeps one.
    _consent_with_ip(student)
    run_on_commit(services.export_request_create, user=student)
    # Before erasure every kind of place holds the canary: the scan works.
    found = everywhere(planted.canary, _media_in_tmp)
    assert {"database", "files", "redis"} <= set(found), found
    assert cache.get(admin_access_cache_key(student.pk)) == planted.value("cached")
    return planted


def _consent_with_ip(user):
    for model in apps.get_app_config("profiles").get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if "user" in names and {"ip", "ip_address"} & names:
            ip_field = "ip" if "ip" in names else "ip_address"
            required = {
                field.name: field.get_default()
                for field in model._meta.concrete_fields
                if not field.null
                and not field.has_default()
                and not field.blank
                and field.name not in ("id", "user", ip_field)
            }
            try:
                model.objects.create(user=user, **{ip_field: CANARY_IP}, **required)
            except Exception as exc:  # noqa: BLE001 - a consent model we cannot fill blindly is reported, not fatal
                warnings.warn(f"could not plant a consent IP in {model._meta.label}: {exc}", stacklevel=2)


def _erase(user, run_on_commit):
    erasure, _ = services.erasure_request_create(user=user)
    ErasureRequest.objects.filter(pk=erasure.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert run_on_commit(erasure_due) == 1


def test_no_trace_of_any_canary_after_erasure(planted_and_exported, student, run_on_commit, _media_in_tmp):
    planted = planted_and_exported

    _erase(student, run_on_commit)

    assert everywhere(planted.canary, _media_in_tmp) == {}
    assert everywhere(CANARY_IP, _media_in_tmp) == {}


# Handlers whose removal the scan must notice: each guards a different kind of place.
GUARDED = [
    "accounts.User",  # names and email in the account row
    "assessments.Attempt",  # essay and short answers, browser
    "assessments.LabSubmission",  # the flag try's IP
    "certificates.Certificate",  # the name snapshot and the PDF file
    "sessions.Session",  # session data in the database and the cache
    "wagtailusers.UserProfile",  # an uploaded file: name and content
    "privacy.ExportRequest",  # a built export archive
    "axes.AccessAttempt",  # a login attempt under the email
    "admin.LogEntry",  # an admin log naming the account
    "account.EmailAddress",  # allauth's copy of the email
]


@pytest.mark.parametrize("label", GUARDED)
def test_the_scan_finds_the_canary_when_an_erase_handler_is_missing(
    label, monkeypatch, planted_and_exported, student, run_on_commit, _media_in_tmp
):
    model = apps.get_model(label)
    registration = registry.registration_for(model)
    monkeypatch.setitem(
        registry._registrations, model, dataclasses.replace(registration, erase_handler=registry.keep("test"))
    )

    _erase(student, run_on_commit)

    found = everywhere(planted_and_exported.canary, _media_in_tmp) or everywhere(CANARY_IP, _media_in_tmp)
    assert found, f"removing the erase handler of {label} went unnoticed"
