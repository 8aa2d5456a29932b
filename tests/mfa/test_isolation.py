"""Step isolation: with the password done but not the second factor, nothing but the verify page is reachable.

And staff without an authenticator app reach nothing but the enrollment pages; a JWT is never
issued without the code.
"""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory
from tests.mfa.conftest import PASSWORD
from tests.mfa.helpers import totp_code, totp_device_confirmed

pytestmark = [pytest.mark.real_mfa, pytest.mark.django_db]

VERIFY = reverse("mfa:verify")
OVERVIEW = reverse("mfa:overview")
TOKEN = reverse("api-v1:token-obtain")
PAGES = ["/dashboard/", "/admin/", "/admin/account/", "/admin/pages/", "/django-admin/", "/django-admin/accounts/user/"]
API = ["/api/v1/me/", "/api/v1/enrollments/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_an_unverified_session_to_the_verify_step(client, staff_user, staff_device, path):
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


@pytest.mark.parametrize("path", API)
def test_the_api_refuses_an_unverified_session(client, staff_user, staff_device, path):
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "mfa_required"
    assert "request_id" in body["meta"]


def test_an_unverified_session_cannot_add_a_device_or_make_backup_codes(client, staff_user, staff_device):
    client.force_login(staff_user)
    assert client.get(reverse("mfa:totp-add"))["Location"].startswith(VERIFY)
    assert client.post(reverse("mfa:backup-codes")).status_code == 302
    assert client.get(OVERVIEW)["Location"].startswith(VERIFY)
    assert staff_user.totpdevice_set.count() == 1
    assert not staff_user.backupcodedevice_set.exists()


def test_logout_stays_reachable_before_the_second_factor(client, staff_user, staff_device):
    client.force_login(staff_user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_static_files_and_health_checks_are_not_held(client, staff_user, staff_device):
    client.force_login(staff_user)
    assert client.get("/health/live").status_code == 200
    assert client.get("/static/css/site.css").status_code == 200


def test_once_verified_every_surface_opens(client, staff_user, staff_device):
    client.force_login(staff_user)
    client.post(VERIFY, {"code": totp_code(staff_device)})
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    account = client.get("/admin/account/")
    assert account.status_code == 200
    # The Wagtail account page manages no devices of its own: it links to the site's security page.
    assert OVERVIEW in account.content.decode()


# --- staff without a device: enrollment first -----------------------------------------------


@pytest.mark.parametrize(
    "user_kwargs",
    [
        {"roles": [roles.INSTRUCTOR]},
        {"roles": [roles.MENTOR]},
        {"roles": [roles.ADMINISTRATOR], "is_staff": True},
        {"roles": [roles.CORPORATE_REPRESENTATIVE]},
        {"is_superuser": True, "is_staff": True},
    ],
    ids=["instructor", "mentor", "administrator", "corporate", "superuser"],
)
@pytest.mark.parametrize("path", PAGES)
def test_staff_without_a_device_are_sent_to_enroll(client, user_kwargs, path):
    user = UserFactory(**user_kwargs)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{OVERVIEW}?next=")


def test_staff_without_a_device_get_403_from_the_api(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "mfa_enrollment_required"


def test_staff_without_a_device_can_open_the_enrollment_pages(client, staff_user):
    client.force_login(staff_user)
    assert client.get(OVERVIEW).status_code == 200
    assert client.get(reverse("mfa:totp-add")).status_code == 200
    # The verify page has nothing to verify: back to enrollment.
    assert client.get(VERIFY)["Location"] == OVERVIEW


def test_a_learner_without_a_device_is_not_held(client, learner):
    client.force_login(learner)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_role_change_to_staff_applies_at_the_next_request(client, learner):
    from accounts.services import user_set_roles

    client.force_login(learner)
    assert client.get("/dashboard/").status_code == 200
    user_set_roles(user=learner, role_names=[roles.MENTOR])
    assert client.get("/dashboard/")["Location"].startswith(OVERVIEW)


def test_removing_the_session_device_ends_the_verified_state(client, staff_user, staff_device):
    client.force_login(staff_user)
    client.post(VERIFY, {"code": totp_code(staff_device)})
    assert client.get("/admin/").status_code == 200
    staff_device.delete()
    assert client.get("/admin/")["Location"].startswith(OVERVIEW)


# --- the JWT endpoint -------------------------------------------------------------------------


def _token(api, user, **extra):
    return api.post(TOKEN, {"email": user.email, "password": PASSWORD, **extra}, format="json")


def test_no_jwt_without_the_code(api, staff_user, staff_device):
    response = _token(api, staff_user)
    assert response.status_code == 401
    body = response.json()
    assert body["errors"][0]["code"] == "mfa_required"
    assert "access" not in str(body.get("data"))


def test_no_jwt_with_a_wrong_code(api, staff_user, staff_device):
    wrong = f"{(int(totp_code(staff_device)) + 500_000) % 1_000_000:06d}"
    response = _token(api, staff_user, otp=wrong)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "mfa_invalid"


def test_no_jwt_with_a_wrong_password_even_with_a_right_code(api, staff_user, staff_device):
    response = api.post(
        TOKEN,
        {"email": staff_user.email, "password": "wrong-password-123", "otp": totp_code(staff_device)},
        format="json",
    )
    assert response.status_code == 401
    staff_device.refresh_from_db()
    assert staff_device.last_t == -1  # the code was not even tried


def test_a_jwt_with_the_code_and_the_code_only_once(api, staff_user, staff_device):
    code = totp_code(staff_device)
    response = _token(api, staff_user, otp=code)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["access"] and data["refresh"]
    assert _token(api, staff_user, otp=code).json()["errors"][0]["code"] == "mfa_invalid"


def test_a_jwt_with_a_backup_code(api, staff_user, staff_device):
    from mfa import services

    codes = services.backup_codes_generate(user=staff_user)
    assert _token(api, staff_user, otp=codes[0]).status_code == 200
    assert _token(api, staff_user, otp=codes[0]).status_code == 401


def test_staff_without_a_device_get_no_jwt(api, staff_user):
    response = _token(api, staff_user)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "mfa_enrollment_required"


def test_a_learner_without_mfa_gets_a_jwt_with_the_password(api, learner):
    assert _token(api, learner).status_code == 200


def test_a_learner_with_mfa_needs_the_code_for_a_jwt(api, learner):
    device = totp_device_confirmed(learner)
    assert _token(api, learner).status_code == 401
    assert _token(api, learner, otp=totp_code(device)).status_code == 200
