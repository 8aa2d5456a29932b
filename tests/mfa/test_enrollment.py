"""The security page: set up an authenticator app (QR + secret, confirmed by a code), backup codes."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.models import BackupCode, BackupCodeDevice
from mfa.selectors import mfa_state
from tests.mfa.helpers import session_mark_verified, totp_code, totp_device_confirmed

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]

OVERVIEW = reverse("mfa:overview")
TOTP_ADD = reverse("mfa:totp-add")
BACKUP = reverse("mfa:backup-codes")


def test_the_security_page_shows_mfa_off_for_a_learner_without_a_device(client, learner):
    client.force_login(learner)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert 'data-testid="mfa-status">Off<' in response.content.decode()
    assert "Set up an authenticator app" in response.content.decode()


def test_enrollment_shows_a_qr_code_and_the_secret_and_a_code_confirms_the_device(client, learner):
    client.force_login(learner)
    response = client.get(TOTP_ADD)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    device = TOTPDevice.objects.get(user=learner)
    assert device.confirmed is False
    assert re.search(r"<svg[^>]*class=\"segno\"", html), "the QR code is an inline SVG"
    secret = re.search(r'data-secret="([A-Z2-7]+)"', html).group(1)
    assert b32decode(secret) == device.bin_key
    # Not yet a device: no code is asked at sign-in.
    assert mfa_state(learner).has_device is False

    response = client.post(TOTP_ADD, {"device": device.pk, "code": totp_code(device)})

    assert response.status_code == 302 and response["Location"].startswith(OVERVIEW)
    device.refresh_from_db()
    assert device.confirmed is True
    assert mfa_state(learner).has_totp is True
    # The confirming code also verified this session: the site is open without another code.
    assert client.get("/dashboard/").status_code == 200
    assert 'data-testid="mfa-status">On<' in client.get(OVERVIEW).content.decode()


def test_a_wrong_confirmation_code_keeps_the_device_unconfirmed(client, learner):
    client.force_login(learner)
    client.get(TOTP_ADD)
    device = TOTPDevice.objects.get(user=learner)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(TOTP_ADD, {"device": device.pk, "code": wrong})

    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert mfa_state(learner).has_device is False
    # Reloading the page shows the same pending secret (no pile of unconfirmed devices).
    client.get(TOTP_ADD)
    assert TOTPDevice.objects.filter(user=learner).count() == 1


def test_backup_codes_are_shown_once_and_stored_hashed(client, learner):
    totp_device_confirmed(learner)
    client.force_login(learner)
    session_mark_verified(client, learner)

    response = client.post(BACKUP)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(BackupCode.objects.filter(device__user=learner).values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert all(code not in value and code.replace("-", "") not in value for value in stored)
    # The overview counts them and never shows them again.
    overview = client.get(OVERVIEW).content.decode()
    assert 'data-testid="backup-codes-left">10<' in overview
    assert codes[0] not in overview

    # Regenerating replaces the set: the old codes stop working.
    client.post(BACKUP)
    device = BackupCodeDevice.objects.get(user=learner)
    assert device.codes.count() == 10
    assert not device.verify_token(codes[0])


def test_backup_codes_need_an_authenticator_app_first(client, learner):
    client.force_login(learner)
    response = client.post(BACKUP)
    assert response.status_code == 302
    assert not BackupCodeDevice.objects.filter(user=learner).exists()
