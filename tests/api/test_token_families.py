"""JWT refresh families (SECURITY.md family C): reuse revokes the family; credential changes end every token."""

import base64
import json
import time

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from tests.concurrency import run_in_threads
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"


def _obtain(client, user):
    response = client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _refresh(client, refresh):
    return client.post(REFRESH_URL, {"refresh": refresh}, format="json")


def _me(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/me/")


def _claims(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


@pytest.mark.django_db
def test_rotation_keeps_the_family_of_the_first_token(api_client, student):
    first = _obtain(api_client, student)
    second = _refresh(api_client, first["refresh"]).json()["data"]
    third = _refresh(api_client, second["refresh"]).json()["data"]
    family = _claims(first["refresh"])["jti"]
    assert _claims(second["refresh"])["fam"] == family
    assert _claims(third["refresh"])["fam"] == family
    assert len({_claims(t["refresh"])["jti"] for t in (first, second, third)}) == 3


@pytest.mark.django_db
def test_reusing_a_rotated_token_revokes_the_newest_token_of_its_family(api_client, student):
    first = _obtain(api_client, student)
    second = _refresh(api_client, first["refresh"]).json()["data"]

    reused = _refresh(api_client, first["refresh"])
    assert reused.status_code == 401
    assert reused.json()["errors"][0]["code"] == "token_reused"

    # The thief's (or the client's) newer token of that family is dead too.
    refused = _refresh(api_client, second["refresh"])
    assert refused.status_code == 401
    newest = OutstandingToken.objects.get(jti=_claims(second["refresh"])["jti"])
    assert BlacklistedToken.objects.filter(token=newest).exists()


@pytest.mark.django_db
def test_reuse_leaves_other_sign_ins_alone(api_client, student):
    laptop = _obtain(api_client, student)
    phone = _obtain(APIClient(), student)
    _refresh(api_client, laptop["refresh"])
    assert _refresh(api_client, laptop["refresh"]).status_code == 401
    assert _refresh(APIClient(), phone["refresh"]).status_code == 200


@pytest.mark.django_db
def test_reuse_is_recorded_in_the_audit_trail(api_client, student):
    from audit.models import AuditEvent

    first = _obtain(api_client, student)
    _refresh(api_client, first["refresh"])
    _refresh(api_client, first["refresh"])
    assert AuditEvent.objects.filter(action="auth.token.reuse").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_uses_of_one_token_end_as_one_rotation_and_one_reuse(student):
    tokens = _obtain(APIClient(), student)

    def use():
        return _refresh(APIClient(), tokens["refresh"]).status_code

    results = run_in_threads([use, use])
    statuses = sorted(value for kind, value in results if kind == "ok")
    assert statuses == [200, 401], results
    # The reuse revoked the token the winner received: nothing of this family is live.
    live = OutstandingToken.objects.filter(user=student, blacklistedtoken__isnull=True)
    assert not [
        t for t in live if _claims(t.token).get("fam", _claims(t.token)["jti"]) == _claims(tokens["refresh"])["jti"]
    ]


@pytest.mark.django_db
def test_password_change_ends_access_and_refresh_tokens(api_client, student):
    tokens = _obtain(api_client, student)
    assert _me(tokens["access"]).status_code == 200

    student.set_password("a-brand-new-long-passphrase")
    student.save()

    assert _me(tokens["access"]).status_code == 401
    assert _refresh(api_client, tokens["refresh"]).status_code == 401


@pytest.mark.django_db
def test_deactivation_ends_access_and_refresh_tokens(api_client, student):
    tokens = _obtain(api_client, student)
    student.is_active = False
    student.save()
    assert _me(tokens["access"]).status_code == 401
    assert _refresh(api_client, tokens["refresh"]).status_code == 401
    assert not OutstandingToken.objects.filter(user=student, blacklistedtoken__isnull=True).exists()


@pytest.mark.django_db
def test_saving_a_user_without_changing_credentials_keeps_tokens(api_client, student):
    tokens = _obtain(api_client, student)
    student.display_name = "Renamed"
    student.save()
    assert _me(tokens["access"]).status_code == 200
    assert _refresh(api_client, tokens["refresh"]).status_code == 200


@pytest.mark.django_db
def test_expired_access_token_is_refused(api_client, student):
    tokens = _obtain(api_client, student)
    claims = _claims(tokens["access"])
    claims["exp"] = int(time.time()) - 10
    expired = jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
    assert _me(expired).status_code == 401


@pytest.mark.django_db
def test_access_token_cannot_be_used_to_refresh(api_client, student):
    tokens = _obtain(api_client, student)
    response = _refresh(api_client, tokens["access"])
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_signed_with_another_key_is_refused(api_client, student):
    tokens = _obtain(api_client, student)
    forged = jwt.encode(_claims(tokens["refresh"]), "not-our-signing-key-" * 3, algorithm="HS256")
    assert _refresh(api_client, forged).status_code == 401
    assert _me(jwt.encode(_claims(tokens["access"]), "not-our-signing-key-" * 3, algorithm="HS256")).status_code == 401
