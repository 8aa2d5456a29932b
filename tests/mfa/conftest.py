"""Fixtures of the MFA tests; each module is marked real_mfa (force_login = the password step only)."""

import pytest
from rest_framework.test import APIClient

from accounts import roles
from tests.factories import UserFactory
from tests.mfa.helpers import totp_device_confirmed

PASSWORD = "correct-horse-battery-staple"  # UserFactory's


@pytest.fixture
def staff_user(db):
    return UserFactory(roles=[roles.INSTRUCTOR])


@pytest.fixture
def learner(db):
    return UserFactory(roles=[roles.STUDENT])


@pytest.fixture
def staff_device(staff_user):
    return totp_device_confirmed(staff_user)


@pytest.fixture
def api():
    return APIClient()
