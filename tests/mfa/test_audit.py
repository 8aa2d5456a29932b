"""Every MFA event lands in the audit trail, without a code or a secret in it."""

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.mfa.helpers import totp_code, totp_device_confirmed

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]


def _actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_enroll_verify_backup_codes_and_remove_are_audited(client, learner):
    client.force_login(learner)
    client.get(reverse("mfa:totp-add"))
    device = TOTPDevice.objects.get(user=learner)
    client.post(reverse("mfa:totp-add"), {"device": device.pk, "code": totp_code(device)})
    assert "mfa.device.enroll" in _actions()
    assert "mfa.verify.success" in _actions()

    response = client.post(reverse("mfa:backup-codes"))
    assert "mfa.backup_codes.generate" in _actions()
    codes_shown = response.content.decode()

    device.refresh_from_db()
    second = totp_device_confirmed(learner, name="Second")
    client.post(reverse("mfa:device-remove"), {"device": device.pk, "code": totp_code(second)})
    assert "mfa.device.remove" in _actions()

    everything = json.dumps(list(AuditEvent.objects.values("details", "target_id", "action")))
    assert device.key not in everything
    assert all(code not in everything for code in codes_shown.split("<code>")[1:2])


def test_a_wrong_code_is_audited_as_a_failure(client, staff_user, staff_device):
    client.force_login(staff_user)
    wrong = f"{(int(totp_code(staff_device)) + 500_000) % 1_000_000:06d}"
    client.post(reverse("mfa:verify"), {"code": wrong})
    failures = AuditEvent.objects.filter(action="mfa.verify.failure")
    assert failures.count() == 1
    assert wrong not in json.dumps(failures.get().details)


def test_a_wrong_code_at_the_token_endpoint_is_audited(api, staff_user, staff_device):
    from tests.mfa.conftest import PASSWORD

    api.post(
        reverse("api-v1:token-obtain"),
        {"email": staff_user.email, "password": PASSWORD, "otp": "12345678"},
        format="json",
    )
    assert AuditEvent.objects.filter(action="mfa.verify.failure").count() == 1
