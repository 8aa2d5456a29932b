"""The export archive is built by a real Celery worker, through the Redis broker, after the request commits."""

import io
import json
import time
import zipfile

import pytest
from django.conf import settings

from lms_site.celery import app
from privacy.models import ExportRequest
from tests.celery_worker import celery_worker
from tests.learning.clients import jwt_client

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def celery_worker_process(_media_in_tmp):
    with celery_worker(name="test-privacy", MEDIA_ROOT=str(_media_in_tmp)) as worker:
        yield worker


def test_a_real_worker_builds_the_export(student, celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not app.conf.task_always_eager
    student.display_name = "Ada Lovelace"
    student.save()

    response = jwt_client(student).post("/api/v1/me/export/")

    assert response.status_code == 202
    export = ExportRequest.objects.get(pk=response.json()["data"]["id"])
    deadline = time.monotonic() + 90
    while export.status == ExportRequest.Status.PENDING:
        if celery_worker_process.poll() is not None:
            pytest.fail(f"worker exited: {celery_worker_process.stdout.read().decode()}")
        if time.monotonic() > deadline:
            pytest.fail("the worker did not build the export within 90 s")
        time.sleep(0.3)
        export.refresh_from_db()
    assert export.status == ExportRequest.Status.READY
    with export.archive.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    account = json.loads(archive.read("data/accounts.User.json"))
    assert account["display_name"] == "Ada Lovelace" and account["email"] == student.email
