"""The verify step after the password: TOTP or a backup code, each once; a new session key; failures counted."""

import pytest
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from mfa import services
from tests.factories import UserFactory
from tests.mfa.helpers import totp_code

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]

VERIFY = reverse("mfa:verify")


def test_a_totp_code_verifies_the_session_under_a_new_session_key(client, staff_user, staff_device):
    client.force_login(staff_user)
    key_before = client.session.session_key

    response = client.post(VERIFY, {"code": totp_code(staff_device), "next": "/admin/"})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session.session_key != key_before
    assert client.session[DEVICE_ID_SESSION_KEY] == staff_device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_the_same_totp_code_cannot_be_used_twice(client, staff_user, staff_device):
    code = totp_code(staff_device)
    client.force_login(staff_user)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    # Another sign-in (e.g. an attacker who watched the code) replays it.
    other = client.__class__()
    other.force_login(staff_user)
    response = other.post(VERIFY, {"code": code})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in other.session
    assert other.get("/admin/").status_code == 302
    staff_device.refresh_from_db()
    assert staff_device.last_t >= 0  # django-otp remembers the step of the last accepted code


def test_a_code_of_an_earlier_window_than_the_last_accepted_one_is_refused(staff_user, staff_device):
    assert services.mfa_code_verify(user=staff_user, code=totp_code(staff_device)).ok
    assert not services.mfa_code_verify(user=staff_user, code=totp_code(staff_device, offset_steps=-1)).ok


def test_a_backup_code_verifies_once(client, staff_user, staff_device):
    codes = services.backup_codes_generate(user=staff_user)
    client.force_login(staff_user)

    assert client.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}).status_code == 302
    assert client.get("/admin/").status_code == 200

    other = client.__class__()
    other.force_login(staff_user)
    assert other.post(VERIFY, {"code": codes[3]}).status_code == 400
    assert other.get("/admin/").status_code == 302
    assert staff_user.backupcodedevice_set.get().codes.count() == 9


def test_a_wrong_code_is_counted_like_a_wrong_password(client, staff_user, staff_device):
    heard = []

    def listener(sender, credentials, request=None, **kwargs):
        heard.append((credentials, request))

    user_login_failed.connect(listener)
    try:
        client.force_login(staff_user)
        wrong = f"{(int(totp_code(staff_device)) + 500_000) % 1_000_000:06d}"
        response = client.post(VERIFY, {"code": wrong})
    finally:
        user_login_failed.disconnect(listener)

    assert response.status_code == 400
    assert len(heard) == 1
    credentials, request = heard[0]
    assert credentials == {"username": staff_user.email}
    assert request is not None and request.path == VERIFY
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_django_axes_records_the_otp_failure(client, staff_user, staff_device):
    from axes.handlers.proxy import AxesProxyHandler
    from django.test import RequestFactory

    client.force_login(staff_user)
    client.post(VERIFY, {"code": "000000" if totp_code(staff_device) != "000000" else "111111"})

    probe = RequestFactory().post(VERIFY, REMOTE_ADDR="127.0.0.1")
    assert AxesProxyHandler.get_failures(probe, {"username": staff_user.email}) >= 1


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/path"])
def test_next_only_leads_to_this_site(client, staff_user, staff_device, next_url):
    client.force_login(staff_user)
    response = client.post(VERIFY, {"code": totp_code(staff_device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_verify_page_keeps_next_from_the_redirect(client, staff_user, staff_device):
    client.force_login(staff_user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/admin/pages/"' in page.content.decode()


def test_a_learner_with_mfa_is_asked_for_the_code_too(client, learner):
    from tests.mfa.helpers import totp_device_confirmed

    device = totp_device_confirmed(learner)
    client.force_login(learner)
    assert client.get("/dashboard/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/dashboard/").status_code == 200


def test_a_user_without_a_device_is_sent_from_verify_to_the_security_page(client):
    learner = UserFactory()
    client.force_login(learner)
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:overview")
