"""No account enumeration: signup, login, password reset and the API token answer the same whether an
account exists or not (ACCOUNT_PREVENT_ENUMERATION, the same lockout profile for unknown addresses)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-right-password-at-all"
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r"[\w.+-]+@example\.org"),
]


def _normalised(response) -> tuple:
    body = response.content.decode()
    for pattern in VOLATILE:
        body = pattern.sub("", body)
    return response.status_code, response.get("Location"), body


@pytest.fixture
def existing(db):
    return UserFactory(email="known@example.org")


def test_signup_with_an_existing_email_looks_like_a_new_one(existing, mailoutbox):
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        response = client.post(
            reverse("account_signup"),
            {"display_name": "Someone", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
        answers.append(_normalised(response))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    # Each address got one email; the existing account's says it already has one.
    assert [message.to for message in mailoutbox] == [["known@example.org"], ["unknown@example.org"]]


def test_login_unknown_and_wrong_password_answer_the_same(existing):
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        response = Client().post(reverse("account_login"), {"login": email, "password": WRONG})
        answers.append(_normalised(response))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200


def test_api_token_unknown_and_wrong_password_answer_the_same(existing):
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        response = Client().post(
            reverse("api-v1:token-obtain"), {"email": email, "password": WRONG}, content_type="application/json"
        )
        body = response.json()
        answers.append((response.status_code, body["status"], body["errors"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401


def test_password_reset_unknown_and_known_answer_the_same(existing, mailoutbox):
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        response = Client().post(reverse("account_reset_password"), {"email": email}, follow=True)
        answers.append(_normalised(response))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert [message.to for message in mailoutbox] == [["known@example.org"], ["unknown@example.org"]]
