"""JWT: obtain, refresh with rotation, logout blacklists, forged tokens refused."""

import base64
import json

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
LOGOUT_URL = "/api/v1/auth/logout/"


def _obtain(api_client, user):
    response = api_client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _assert_one_token_error(response):
    """A refused token is one error in the envelope, not simplejwt's debugging structure split into fields."""
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"] == [
        {"code": "token_not_valid", "message": "Given token not valid for any token type", "field": None}
    ]


def test_obtain_gives_access_and_refresh_tokens(api_client, student):
    tokens = _obtain(api_client, student)
    assert set(tokens) == {"access", "refresh"}


def test_email_login_is_case_insensitive(api_client, student):
    response = api_client.post(TOKEN_URL, {"email": student.email.upper(), "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_wrong_password_is_401_without_saying_which_part_was_wrong(api_client, student):
    response = api_client.post(TOKEN_URL, {"email": student.email, "password": "not-the-password"}, format="json")
    assert response.status_code == 401
    unknown = api_client.post(TOKEN_URL, {"email": "ghost@example.org", "password": "not-the-password"}, format="json")
    assert unknown.status_code == 401
    assert response.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]


def test_access_token_reads_me(api_client, student):
    tokens = _obtain(api_client, student)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    body = api_client.get("/api/v1/me/").json()
    assert body["data"]["email"] == student.email
    assert body["data"]["roles"] == ["Student"]
    assert body["data"]["display_name"] == student.display_name


def test_refresh_rotates_and_the_old_refresh_is_refused(api_client, student):
    tokens = _obtain(api_client, student)
    rotated = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200
    new_tokens = rotated.json()["data"]
    assert new_tokens["refresh"] != tokens["refresh"]
    assert new_tokens["access"]
    reused = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    # A rotated-out token presented again is reuse: its whole family is revoked (test_token_families.py).
    assert reused.json()["errors"][0]["code"] == "token_reused"


def test_logout_blacklists_the_refresh_token(api_client, student):
    tokens = _obtain(api_client, student)
    response = api_client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert response.json()["data"] == {"logged_out": True}
    refused = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401


def test_logout_with_a_garbage_token_is_401(api_client, db):
    response = api_client.post(LOGOUT_URL, {"refresh": "garbage"}, format="json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"


def test_alg_none_token_is_refused(api_client, student):
    tokens = _obtain(api_client, student)
    payload = json.loads(base64.urlsafe_b64decode(tokens["access"].split(".")[1] + "=="))
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    _assert_one_token_error(response)


def test_tampered_token_is_refused(api_client, student, other_student):
    tokens = _obtain(api_client, student)
    header, payload_part, signature = tokens["access"].split(".")
    payload = json.loads(base64.urlsafe_b64decode(payload_part + "=="))
    payload["user_id"] = str(other_student.pk)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{_b64(payload)}.{signature}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    _assert_one_token_error(response)


def test_refresh_token_cannot_be_used_as_access_token(api_client, student):
    tokens = _obtain(api_client, student)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['refresh']}")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_inactive_user_gets_no_token(api_client, student):
    student.is_active = False
    student.save()
    response = api_client.post(TOKEN_URL, {"email": student.email, "password": PASSWORD}, format="json")
    assert response.status_code == 401
