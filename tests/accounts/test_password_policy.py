"""The password policy: length (12 learners, 15 staff, up to 1024), common passwords refused, no composition rules."""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import roles
from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ELEVEN = "kettle-brim"  # 11
TWELVE = "kettle-brims"  # 12
FOURTEEN = "kettle-brimful"  # 14
FIFTEEN = "kettle-brimfuls"  # 15


def _errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


@pytest.mark.parametrize(
    ("password", "staff", "codes"),
    [
        (ELEVEN, False, ["password_too_short"]),
        (TWELVE, False, []),
        (FOURTEEN, True, ["password_too_short"]),
        (FIFTEEN, True, []),
        # No composition rules: all digits, all lower-case letters or all one class are fine if long.
        ("480215967305", False, []),
        ("correcthorsebatterystaple", True, []),
        ("ALL CAPS PASSPHRASE WITH SPACES", True, []),
        # Long passphrases up to 1024 characters; beyond, refused (hashing cost).
        ("word " * 204 + "word", True, []),
        ("x" * 1025, False, ["password_too_long"]),
        # Django's common-password list.
        ("123456123456", False, ["password_too_common"]),
        ("1q2w3e4r5t6y7u8i", True, ["password_too_common"]),
    ],
)
def test_policy_table(password, staff, codes):
    user = UserFactory(roles=[roles.INSTRUCTOR if staff else roles.STUDENT])
    assert _errors(password, user) == codes


@pytest.mark.parametrize(
    "user_kwargs",
    [
        {"roles": [roles.INSTRUCTOR]},
        {"roles": [roles.MENTOR]},
        {"roles": [roles.ADMINISTRATOR]},
        {"roles": [roles.CORPORATE_REPRESENTATIVE]},
        {"is_staff": True},
        {"is_superuser": True},
    ],
)
def test_every_staff_kind_needs_fifteen(user_kwargs):
    user = UserFactory(**user_kwargs)
    assert _errors(FOURTEEN, user) == ["password_too_short"]


def test_new_user_without_roles_needs_twelve():
    assert _errors(TWELVE, User(email="new@example.org")) == []
    assert _errors(ELEVEN, None) == ["password_too_short"]


def test_similar_to_the_email_refused():
    user = UserFactory(email="margaret.hamilton@example.org")
    assert "password_too_similar" in _errors("margaret.hamilton", user)


# --- Applied in every form ----------------------------------------------------------------------


def test_signup_applies_the_policy(client):
    response = client.post(
        reverse("account_signup"),
        {"display_name": "A", "email": "a@example.org", "password1": ELEVEN, "password2": ELEVEN},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="a@example.org").exists()


def test_password_change_applies_the_staff_length(client):
    staff = UserFactory(roles=[roles.MENTOR])
    client.force_login(staff)

    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": FOURTEEN, "password2": FOURTEEN}
    )

    assert response.status_code == 200
    assert "at least 15 characters" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_password_reset_from_key_applies_the_policy(client, mailoutbox):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = _reset_link(mailoutbox[-1].body)
    form_url = client.get(link)["Location"]

    response = client.post(form_url, {"password1": ELEVEN, "password2": ELEVEN})

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def _reset_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)


def test_wagtail_admin_user_form_uses_the_chosen_roles(client, administrator):
    client.force_login(administrator)
    instructor_group = Group.objects.get(name=roles.INSTRUCTOR)
    data = {
        "email": "new-instructor@example.org",
        "first_name": "New",
        "last_name": "Instructor",
        "display_name": "New Instructor",
        "time_zone": "UTC",
        "password1": FOURTEEN,
        "password2": FOURTEEN,
        "groups": [instructor_group.pk],
        "is_active": "on",
    }

    refused = client.post(reverse("wagtailusers_users:add"), data)
    assert refused.status_code == 200
    assert not User.objects.filter(email="new-instructor@example.org").exists()

    data.update(password1=FIFTEEN + "!", password2=FIFTEEN + "!")
    accepted = client.post(reverse("wagtailusers_users:add"), data)
    assert accepted.status_code == 302
    assert User.objects.filter(email="new-instructor@example.org").exists()


def test_django_admin_password_form_uses_the_policy(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    target = UserFactory(roles=[roles.INSTRUCTOR])
    client.force_login(superuser)
    url = f"/django-admin/accounts/user/{target.pk}/password/"

    response = client.post(url, {"password1": FOURTEEN, "password2": FOURTEEN, "usable_password": "true"})

    assert response.status_code == 200
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
