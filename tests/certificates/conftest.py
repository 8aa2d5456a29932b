"""Fixtures of the certificate tests: Celery inline, PDFs in a temporary media root, and a way to
complete a course the way a learner does (so `course_completed` fires after commit)."""

import pytest


@pytest.fixture(autouse=True)
def _celery_runs_inline(request):
    """Tasks run inline (as in dev), except in tests that use a real worker (marked `celery`)."""
    if not request.node.get_closest_marker("celery"):
        request.getfixturevalue("celery_inline")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_REMINDER_DAYS = 30
    return settings.MEDIA_ROOT


@pytest.fixture
def complete_course(django_capture_on_commit_callbacks):
    """complete_course(user, built) -> Enrollment: enroll, complete every lesson, run the
    after-commit work (the completion signal, the certificate, its PDF)."""
    from tests.certificates.helpers import complete_course as complete

    def run(user, built):
        with django_capture_on_commit_callbacks(execute=True):
            return complete(user, built)

    return run
