"""A new staff member signs into the admin, is sent to set up an authenticator app, scans (reads) the
secret, confirms with a code and reaches the admin dashboard; the next sign-in asks for a code."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import roles
from tests.e2e.helpers import PASSWORD
from tests.factories import UserFactory
from tests.mfa.helpers import totp_code_unused

pytestmark = pytest.mark.e2e


def _code_from_secret(secret: str) -> str:
    from base64 import b32decode

    return f"{TOTP(b32decode(secret)).token():06d}"


def test_staff_enroll_totp_on_first_sign_in_and_reach_the_admin(page):
    instructor = UserFactory(roles=[roles.INSTRUCTOR])

    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(instructor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No device yet: enrollment comes before anything else.
    expect(page).to_have_url(re.compile(r"/accounts/security/\?next=%2Fadmin%2F$"))
    expect(page.get_by_text("Required for your role.")).to_be_visible()
    page.goto("/admin/pages/")
    expect(page).to_have_url(re.compile(r"/accounts/security/\?next="))

    page.goto("/accounts/security/?next=/admin/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").get_attribute("data-secret")
    page.get_by_label("Code from the app").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_test_id("mfa-status")).to_have_text("On")
    page.get_by_role("button", name="Generate backup codes").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.goto("/accounts/security/?next=/admin/")
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert TOTPDevice.objects.get(user=instructor).confirmed

    # Log out and in again: now the code is asked for.
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(instructor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/security/verify/"))
    device = TOTPDevice.objects.get(user=instructor)
    page.get_by_label("Code").fill(totp_code_unused(device))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
