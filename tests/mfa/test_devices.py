"""Removing an authenticator app: a current code is needed; staff keep their last one."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import services
from mfa.models import BackupCodeDevice
from tests.mfa.helpers import session_mark_verified, totp_code, totp_device_confirmed

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]

REMOVE = reverse("mfa:device-remove")


def _verified(client, user):
    client.force_login(user)
    session_mark_verified(client, user)
    return client


def test_staff_cannot_remove_their_last_authenticator_app(client, staff_user, staff_device):
    _verified(client, staff_user)
    response = client.post(REMOVE, {"device": staff_device.pk, "code": totp_code(staff_device)}, follow=True)
    assert TOTPDevice.objects.filter(pk=staff_device.pk).exists()
    assert "required for your role" in response.content.decode()


def test_staff_can_replace_an_app_by_adding_one_first(client, staff_user, staff_device):
    second = totp_device_confirmed(staff_user, name="New phone")
    _verified(client, staff_user)
    client.post(REMOVE, {"device": staff_device.pk, "code": totp_code(second)})
    assert list(TOTPDevice.objects.filter(user=staff_user)) == [second]
    # The session stays verified on the remaining device.
    assert client.get("/admin/").status_code == 200


def test_removal_needs_a_valid_code(client, learner):
    device = totp_device_confirmed(learner)
    _verified(client, learner)
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    client.post(REMOVE, {"device": device.pk, "code": wrong})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(REMOVE, {"device": device.pk, "code": ""})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_learner_removing_their_last_app_turns_mfa_off(client, learner):
    device = totp_device_confirmed(learner)
    services.backup_codes_generate(user=learner)
    _verified(client, learner)
    response = client.post(REMOVE, {"device": device.pk, "code": totp_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=learner).exists()
    assert not BackupCodeDevice.objects.filter(user=learner).exists()
    assert client.get("/dashboard/").status_code == 200


def test_a_user_cannot_remove_another_users_device(client, learner, staff_user, staff_device):
    own = totp_device_confirmed(learner)
    _verified(client, learner)
    client.post(REMOVE, {"device": staff_device.pk, "code": totp_code(own)})
    assert TOTPDevice.objects.filter(pk=staff_device.pk).exists()
