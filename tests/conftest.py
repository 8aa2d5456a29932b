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


@pytest.fixture(autouse=True)
def _mfa_passed_on_force_login(request, monkeypatch):
    """`client.force_login(user)` also completes the second factor for a user who has or must have MFA.

    MFA is mandatory for staff (mfa.middleware), so a test that signs an instructor in with
    `force_login` (or `tests.learning.clients.session_client`) and opens /admin/ would otherwise
    be sent to enroll or verify. For such a user (a staff role, Django staff, superuser, or anyone
    with a confirmed device) the wrapped `force_login` gives them a confirmed TOTP device if they
    have none and marks the session as verified with it, as a real sign-in with a code would.
    A test about MFA itself opts out with `@pytest.mark.real_mfa` and gets Django's plain
    `force_login` (password step only).
    """
    if request.node.get_closest_marker("real_mfa"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from tests.mfa.helpers import session_mark_verified

        session_mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


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
