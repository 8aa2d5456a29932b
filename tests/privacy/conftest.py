"""Fixtures of the privacy tests: Celery inline (except with a real worker), media and export
archives in a temporary directory, the erasure ledger file there too."""

import pytest


@pytest.fixture(autouse=True)
def _celery_runs_inline(request):
    if not request.node.get_closest_marker("celery"):
        request.getfixturevalue("celery_inline")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVACY_EXPORT_ROOT = ""
    settings.ERASURE_LEDGER_FILE = str(tmp_path / "ledger" / "erasure-ledger.jsonl")
    settings.MEDIA_ACCEL_REDIRECT = False
    return settings.MEDIA_ROOT


@pytest.fixture
def plant(make_course, django_capture_on_commit_callbacks):
    """plant(user, administrator=None, client=None) -> PlantedLearner, its after-commit work done
    (certificate issued, PDF rendered)."""
    from tests.privacy.builders import plant_learner

    def run(user, **kwargs):
        return plant_learner(user, make_course, django_capture_on_commit_callbacks, **kwargs)

    return run


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """run_on_commit(fn, *args, **kwargs): call it and run what it left for after commit."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
