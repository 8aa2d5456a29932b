"""The staff demo accounts come with a documented authenticator secret and backup codes."""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from lms_site.demo.seed import (
    DEMO_TOTP_SECRETS,
    DEMO_USERS,
    SeedReport,
    demo_backup_codes,
    demo_mfa_seed,
    demo_users_seed,
)
from mfa import services
from mfa.selectors import mfa_state
from tests.mfa.helpers import totp_code

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]


def test_every_staff_demo_account_has_a_documented_secret():
    staff = {demo.email for demo in DEMO_USERS if demo.role != "Student"}
    assert set(DEMO_TOTP_SECRETS) == staff


def test_demo_staff_get_the_published_secret_and_codes_once():
    users = demo_users_seed(report=SeedReport())
    demo_mfa_seed(users=users)
    demo_mfa_seed(users=users)  # idempotent

    instructor = User.objects.get(email="instructor@wchi.example")
    device = TOTPDevice.objects.get(user=instructor)
    assert device.confirmed
    assert device.bin_key == b32decode(DEMO_TOTP_SECRETS["instructor@wchi.example"])
    assert mfa_state(instructor).has_totp
    assert services.mfa_code_verify(user=instructor, code=totp_code(device)).ok
    assert services.mfa_code_verify(user=instructor, code=demo_backup_codes(instructor.email)[0]).ok
    student = User.objects.get(email="student@wchi.example")
    assert not TOTPDevice.objects.filter(user=student).exists()
