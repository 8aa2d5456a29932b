"""The token endpoint follows the site's sign-in rules: confirmed address, failure count reset on success."""

import pytest
from allauth.account.models import EmailAddress

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def _obtain(api_client, user, password=PASSWORD):
    return api_client.post(TOKEN_URL, {"email": user.email, "password": password}, format="json")


def test_unconfirmed_address_gets_no_token(api_client, student):
    EmailAddress.objects.filter(user=student).update(verified=False)
    response = _obtain(api_client, student)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "email_unverified"
    assert "access" not in response.content.decode()


def test_unconfirmed_address_with_a_wrong_password_says_nothing_about_the_address(api_client, student):
    EmailAddress.objects.filter(user=student).update(verified=False)
    response = _obtain(api_client, student, password="not-the-password-at-all")
    assert response.status_code == 401


def test_successful_token_sign_in_clears_the_failure_count(api_client, student):
    for _ in range(4):  # one short of the learner limit (5)
        assert _obtain(api_client, student, password="wrong-password-here").status_code == 401
    assert _obtain(api_client, student).status_code == 200
    for _ in range(4):
        assert _obtain(api_client, student, password="wrong-password-here").status_code == 401
    # Without the reset these would be failures 5–8 and the account locked.
    assert _obtain(api_client, student).status_code == 200
