"""The PDF is rendered by a real Celery worker, through the Redis broker, after the completion commits."""

import time

import pytest
from django.conf import settings

from certificates.models import Certificate
from lms_site.celery import app
from tests.celery_worker import celery_worker
from tests.certificates.helpers import complete_course, pdf_text

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def celery_worker_process(_media_in_tmp):
    """The worker writes PDFs under the test's media root."""
    with celery_worker(name="test-certificates", MEDIA_ROOT=str(_media_in_tmp)) as worker:
        yield worker


def test_a_real_worker_renders_the_pdf_after_completion(make_course, student, celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not app.conf.task_always_eager
    student.display_name = "Grace Hopper"
    student.save()
    built = make_course(modules=1, lessons=1, title="Secure Coding")

    enrollment = complete_course(student, built)  # autocommit: the signal and the task go out at once

    certificate = Certificate.objects.get(enrollment=enrollment)
    deadline = time.monotonic() + 90
    while not certificate.pdf:
        if celery_worker_process.poll() is not None:
            pytest.fail(f"worker exited: {celery_worker_process.stdout.read().decode()}")
        if time.monotonic() > deadline:
            pytest.fail("the worker did not render the PDF within 90 s")
        time.sleep(0.3)
        certificate.refresh_from_db()
    text = pdf_text(certificate.pdf.path)
    assert "Grace Hopper" in text
    assert "Secure Coding" in text
    assert certificate.code in text
