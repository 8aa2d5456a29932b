"""A task goes through the real Redis broker to a real worker process, and its effect is seen."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache

from courses.selectors import _generation_key, _outline_key, course_outline
from courses.tasks import course_outline_warm
from tests.celery_worker import celery_worker

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def celery_worker_process():
    with celery_worker(name="test") as worker:
        yield worker


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
