"""A module-scoped world of real objects, rolled back when the module ends.

The world is built inside an outer transaction opened once per test module; each test then runs
in its own savepoint (pytest-django's `db`), so tests may change the world freely.
"""

import tempfile

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from tests.mfa.helpers import session_mark_verified
from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            # One signed-in session per role for the whole module (each test's client reuses it).
            for role, user in world.users.items():
                client = Client()
                client.force_login(user)
                # Staff must have passed MFA (mfa.middleware); as tests/conftest.py does per test.
                session_mark_verified(client, user)
                world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def client_for(world, db):
    """client_for(role, enforce_csrf_checks=False) -> a Django test client signed in as that role."""

    def make(role, *, enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return make
