"""The PDF is rendered by a real Celery worker, through the Redis broker, after the completion commits."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from certificates.models import Certificate
from lms_site.celery import app
from tests.certificates.helpers import complete_course, pdf_text

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(_media_in_tmp):
    """A `celery worker` subprocess on the test database, the test Redis database and the test media root."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms_site.settings.test",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(_media_in_tmp),
        "PYTEST_XDIST_WORKER": os.environ.get("PYTEST_XDIST_WORKER", "gw0"),
    }
    app.control.purge()
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms_site",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-certificates-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


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
