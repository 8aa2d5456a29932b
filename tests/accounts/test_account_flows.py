"""The allauth flows: every page renders in the site layout; reset links are single-use and short-lived;
email changes are verified before they become the login; a password change or reset ends the other sessions."""

import re
from datetime import datetime, timedelta
from unittest.mock import patch

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)")
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+)")


def _in_site_layout(response) -> bool:
    names = [template.name for template in response.templates]
    return "base.html" in names and 'class="site-header"' in response.content.decode()


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = [
    "account_overview",
    "account_email",
    "account_change_password",
    "account_logout",
    "consent:marketing",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_pages_render_in_the_site_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _in_site_layout(response)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_render_in_the_site_layout(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _in_site_layout(response)
    assert 'aria-label="Account settings"' in response.content.decode()


def test_signed_in_pages_need_a_login(client):
    for name in set(SIGNED_IN_PAGES) - {"account_logout"}:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def test_account_overview_links_everything(client):
    client.force_login(UserFactory())
    body = client.get(reverse("account_overview")).content.decode()
    for name in ["profiles:edit", "account_email", "account_change_password", "mfa:overview", "privacy:overview"]:
        assert f'href="{reverse(name)}"' in body, name


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.session.get("_auth_user_id") == str(user.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


# --- Password reset ------------------------------------------------------------------------------


def _request_reset(client, email, mailoutbox) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    return RESET_LINK.search(mailoutbox[-1].body).group(1)


def test_reset_pages_render_and_reset_works(client, mailoutbox):
    user = UserFactory()
    link = _request_reset(client, user.email, mailoutbox)
    form_page = client.get(client.get(link)["Location"])
    assert form_page.status_code == 200 and _in_site_layout(form_page)

    done = client.post(form_page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert _in_site_layout(client.get(done["Location"]))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_works_once(client, mailoutbox):
    user = UserFactory()
    link = _request_reset(client, user.email, mailoutbox)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client()
    response = again.get(link)

    assert response.status_code == 200
    assert response.context["token_fail"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def _later(**delta):
    """Django's reset-token clock moved forward (the token carries its creation time)."""
    moved = datetime.now() + timedelta(**delta)
    return patch.object(PasswordResetTokenGenerator, "_now", return_value=moved)


def test_reset_link_expires_after_an_hour(client, mailoutbox, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    user = UserFactory()
    link = _request_reset(client, user.email, mailoutbox)

    with _later(hours=1, minutes=1):
        response = Client().get(link)

    assert response.status_code == 200
    assert response.context["token_fail"]


def test_reset_link_still_valid_within_the_hour(client, mailoutbox):
    user = UserFactory()
    link = _request_reset(client, user.email, mailoutbox)

    with _later(minutes=50):
        response = Client().get(link)

    assert response.status_code == 302


# --- Other sessions end on a password change or reset ------------------------------------------


def test_password_change_ends_other_sessions_but_keeps_this_one(client):
    user = UserFactory()
    other = Client()
    other.force_login(user)
    assert other.get(reverse("account_overview")).status_code == 200
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get(reverse("account_overview")).status_code == 200
    assert other.get(reverse("account_overview")).status_code == 302


def test_password_reset_ends_every_session(client, mailoutbox):
    user = UserFactory()
    signed_in = Client()
    signed_in.force_login(user)
    link = _request_reset(client, user.email, mailoutbox)
    client.post(client.get(link)["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert signed_in.get(reverse("account_overview")).status_code == 302


# --- Email change: verified before it becomes the login -------------------------------------------


def test_added_address_is_not_the_login_until_verified(client, mailoutbox):
    user = UserFactory(email="first@example.org")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})

    added = EmailAddress.objects.get(user=user, email="second@example.org")
    assert not added.verified and not added.primary
    # Cannot be made primary before verification.
    client.post(reverse("account_email"), {"action_primary": "", "email": "second@example.org"})
    user.refresh_from_db()
    assert user.email == "first@example.org"
    # And cannot sign in yet, on the site or the API.
    anonymous = Client()
    login = anonymous.post(reverse("account_login"), {"login": "second@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in anonymous.session
    assert login.status_code in (200, 302)
    token = anonymous.post(
        reverse("api-v1:token-obtain"),
        {"email": "second@example.org", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 401

    # Verify, then make primary: now it is the login.
    confirm = CONFIRM_LINK.search(mailoutbox[-1].body).group(1)
    client.post(confirm)
    client.post(reverse("account_email"), {"action_primary": "", "email": "second@example.org"})
    user.refresh_from_db()
    assert user.email == "second@example.org"
    assert EmailAddress.objects.get(user=user, email="second@example.org").primary


def test_address_can_be_removed(client):
    user = UserFactory(email="first@example.org")
    EmailAddress.objects.create(user=user, email="old@example.org", verified=True, primary=False)
    client.force_login(user)

    client.post(reverse("account_email"), {"action_remove": "", "email": "old@example.org"})

    assert not EmailAddress.objects.filter(email="old@example.org").exists()
