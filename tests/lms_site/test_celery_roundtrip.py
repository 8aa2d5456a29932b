"""A task goes through the real Redis broker to a real worker process, and its effect is seen."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from courses.selectors import _generation_key, _outline_key, course_outline
from courses.tasks import course_outline_warm
from lms_site.celery import app

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    """A `celery worker` subprocess on the test database and the test Redis database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms_site.settings.test",
        "DATABASE_URL": _database_url(),
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
            f"test-{os.getpid()}@%h",
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


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_task_runs_on_a_real_worker_through_redis(make_course, celery_worker_process, django_assert_num_queries):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    built = make_course(modules=2, lessons=3)
    cache.clear()

    course_outline_warm.delay(built.course.pk)

    deadline = time.monotonic() + 60
    while not _outline_is_cached(built.course.path):
        if celery_worker_process.poll() is not None:
            pytest.fail(f"worker exited: {celery_worker_process.stdout.read().decode()}")
        if time.monotonic() > deadline:
            pytest.fail("the worker did not run the task within 60 s")
        time.sleep(0.2)
    # The worker built and cached the outline: reading it here costs no query.
    with django_assert_num_queries(0):
        outline = course_outline(built.course)
    assert outline.lesson_count == 6


def _outline_is_cached(course_path: str) -> bool:
    generation = cache.get(_generation_key(course_path))
    return generation is not None and cache.get(_outline_key(course_path, generation)) is not None
