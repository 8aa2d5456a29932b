"""Shared fixtures: a site tree, courses of any size, users per role, API clients."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import roles
from tests.builders import build_catalog, build_course, build_home_page
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache (each xdist worker has its own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    return build_home_page()


@pytest.fixture
def catalog(home_page):
    return build_catalog(home_page)


@pytest.fixture
def make_course(catalog):
    """Build a published course with `modules` × `lessons` published lessons; the first lesson is a preview."""

    def build(**kwargs):
        return build_course(catalog, **kwargs)

    return build


def _user_with_role(role):
    return UserFactory(roles=[role])


@pytest.fixture
def student(db):
    return _user_with_role(roles.STUDENT)


@pytest.fixture
def other_student(db):
    return _user_with_role(roles.STUDENT)


@pytest.fixture
def instructor(db):
    return _user_with_role(roles.INSTRUCTOR)


@pytest.fixture
def other_instructor(db):
    return _user_with_role(roles.INSTRUCTOR)


@pytest.fixture
def administrator(db):
    user = UserFactory(roles=[roles.ADMINISTRATOR], is_staff=True)
    return user


@pytest.fixture
def api_client():
    return APIClient()


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def celery_inline():
    """Celery tasks run inline (as in development) for the test that asks for it.

    Test settings send tasks to Redis like production; a test that is not about the worker but
    needs a task's effect (a certificate PDF, a regrade) runs them inline instead.
    """
    from lms_site.celery import app as celery_app

    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous
