"""Login throttling and lockout (SECURITY.md family B): the same limits on every login path.

Learners: 5 failures per account within 5 minutes; staff: 3 within 15 minutes; per client
address: 20 failures (any accounts) within 5 minutes. Failures on different paths add up.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.lockout import lockout_state
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-right-password-at-all"


# --- One failed attempt, and one attempt with the right password, per login path -----------


def _site_login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _api_token(client, email, password):
    return client.post(
        reverse("api-v1:token-obtain"), {"email": email, "password": password}, content_type="application/json"
    )


def _wagtail_login(client, email, password):
    return client.post("/admin/login/", {"username": email, "password": password})


def _django_admin_login(client, email, password):
    return client.post("/django-admin/login/", {"username": email, "password": password})


def _otp_failure(client, email, password):
    """The OTP step reports a wrong code the way mfa.services does: user_login_failed with the email."""
    request = RequestFactory().post("/accounts/security/verify/", REMOTE_ADDR="127.0.0.1")
    user_login_failed.send(sender="mfa.services", credentials={"username": email}, request=request)


LOGIN_PATHS = {
    "site": _site_login,
    "api_token": _api_token,
    "wagtail_admin": _wagtail_login,
    "django_admin": _django_admin_login,
    "otp": _otp_failure,
}
# Paths that can be tried with the right password afterwards (the OTP step only reports failures).
PASSWORD_PATHS = ["site", "api_token", "wagtail_admin", "django_admin"]


def _is_locked_response(response) -> bool:
    return response.status_code == 429 and int(response["Retry-After"]) > 0


@pytest.fixture
def learner(db):
    return UserFactory(roles=[roles.STUDENT])


@pytest.fixture
def staff(db):
    return UserFactory(roles=[roles.INSTRUCTOR])


@pytest.mark.parametrize("failing_path", list(LOGIN_PATHS))
@pytest.mark.parametrize("checked_path", PASSWORD_PATHS)
def test_learner_locked_after_five_failures_on_any_path(client, learner, failing_path, checked_path):
    for _ in range(4):
        LOGIN_PATHS[failing_path](client, learner.email, WRONG)
    # Four failures: the right password still works (and resets the counter).
    assert not lockout_state(account=learner.email, ip_address=None).locked
    LOGIN_PATHS[failing_path](client, learner.email, WRONG)
    assert lockout_state(account=learner.email, ip_address=None).locked

    response = LOGIN_PATHS[checked_path](client, learner.email, PASSWORD)

    assert _is_locked_response(response)
    assert "_auth_user_id" not in client.session
    assert b"access" not in response.content


@pytest.mark.parametrize("failing_path", list(LOGIN_PATHS))
def test_fourth_learner_failure_is_not_a_lockout(client, learner, failing_path):
    for _ in range(4):
        LOGIN_PATHS[failing_path](client, learner.email, WRONG)

    response = _site_login(client, learner.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


@pytest.mark.parametrize("failing_path", list(LOGIN_PATHS))
def test_staff_locked_after_three_failures(client, staff, failing_path):
    for _ in range(3):
        LOGIN_PATHS[failing_path](client, staff.email, WRONG)

    response = _api_token(client, staff.email, PASSWORD)

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"


def test_staff_failures_on_two_paths_add_up(client, staff):
    _site_login(client, staff.email, WRONG)
    _api_token(client, staff.email, WRONG)
    assert not lockout_state(account=staff.email, ip_address=None).locked
    _wagtail_login(client, staff.email, WRONG)

    assert _is_locked_response(_django_admin_login(client, staff.email, PASSWORD))


def test_django_staff_flag_gets_the_staff_profile(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(3):
        _django_admin_login(client, admin.email, WRONG)

    assert lockout_state(account=admin.email, ip_address=None).locked


def test_the_failure_that_locks_is_answered_with_the_wait(client, learner):
    for _ in range(4):
        response = _site_login(client, learner.email, WRONG)
        assert response.status_code == 200
    response = _site_login(client, learner.email, WRONG)

    assert response.status_code == 429
    assert "account/lockout.html" in [t.name for t in response.templates]
    assert "base.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert 'data-testid="lockout-wait">5 minutes' in body
    assert int(response["Retry-After"]) == 300


def test_staff_wait_is_fifteen_minutes(client, staff):
    for _ in range(3):
        response = _site_login(client, staff.email, WRONG)

    assert 'data-testid="lockout-wait">15 minutes' in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_api_lockout_is_the_429_envelope(client, learner):
    for _ in range(5):
        response = _api_token(client, learner.email, WRONG)

    assert response.status_code == 429
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "locked_out"
    assert "5 minutes" in body["errors"][0]["message"]
    assert int(response["Retry-After"]) == 300


def test_tries_during_a_lockout_do_not_extend_it(client, learner):
    for _ in range(5):
        _site_login(client, learner.email, WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=3))

    response = _site_login(client, learner.email, WRONG)

    assert response.status_code == 429
    assert 'data-testid="lockout-wait">2 minutes' in response.content.decode()
    assert int(response["Retry-After"]) <= 120


def test_lockout_ends_after_the_cool_off(client, learner):
    for _ in range(5):
        _site_login(client, learner.email, WRONG)
    assert _is_locked_response(_site_login(client, learner.email, PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=5, seconds=1))

    response = _site_login(client, learner.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_staff_lockout_outlasts_the_learner_window(client, staff):
    for _ in range(3):
        _site_login(client, staff.email, WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))
    # Another account's attempt must not clean the staff account's records with its shorter window.
    _site_login(client, "someone-else@example.org", WRONG)

    assert _is_locked_response(_site_login(client, staff.email, PASSWORD))


def test_success_resets_the_account_counter(client, learner):
    for _ in range(4):
        _site_login(client, learner.email, WRONG)
    assert _site_login(client, learner.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _site_login(client, learner.email, WRONG)

    assert not lockout_state(account=learner.email, ip_address=None).locked


def test_email_case_and_spaces_count_as_one_account(client, learner):
    for variant in [learner.email.upper(), f" {learner.email}", learner.email, learner.email.title(), learner.email]:
        _site_login(client, variant, WRONG)

    assert lockout_state(account=learner.email, ip_address=None).locked


def test_per_address_limit_stops_password_spraying(client, settings):
    victims = [UserFactory() for _ in range(5)]
    for victim in victims:
        for _ in range(4):  # under every account's own limit
            _site_login(client, victim.email, WRONG)
    assert not any(lockout_state(account=v.email, ip_address=None).locked for v in victims)

    # 20 failures from one address: the address is refused, even for a right password.
    response = _site_login(client, UserFactory().email, PASSWORD)
    assert _is_locked_response(response)

    # Another address is not affected.
    other = client.post(
        reverse("account_login"), {"login": victims[0].email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 302


def test_unknown_account_locks_like_a_learner(client):
    """Same number of tries and same answer whether the address has an account or not."""
    learner = UserFactory()
    answers = {}
    for email in (learner.email, "nobody-here@example.org"):
        statuses = [_site_login(client, email, WRONG).status_code for _ in range(5)]
        locked = _site_login(client, email, WRONG)
        answers[email] = (statuses, locked.status_code, locked["Retry-After"], _lockout_text(locked))
    assert answers[learner.email] == answers["nobody-here@example.org"]
    assert answers[learner.email][0] == [200, 200, 200, 200, 429]


def _lockout_text(response) -> str:
    body = response.content.decode()
    start = body.index('data-testid="lockout-message"')
    return body[start : body.index("</p>", start)]


def test_api_lockout_same_for_unknown_and_known(client):
    learner = UserFactory()
    answers = []
    for email in (learner.email, "nobody-here@example.org"):
        for _ in range(5):
            response = _api_token(client, email, WRONG)
        body = response.json()
        answers.append((response.status_code, body["errors"], response["Retry-After"]))
    assert answers[0] == answers[1]


# --- Password reset: the same profiles -------------------------------------------------------


def _reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


@pytest.mark.parametrize(("fixture", "limit"), [("learner", 5), ("staff", 3)])
def test_password_reset_requests_limited_per_account(client, request, fixture, limit):
    user = request.getfixturevalue(fixture)
    for _ in range(limit):
        assert _reset(client, user.email).status_code == 302
    mail.outbox.clear()

    response = _reset(client, user.email)

    assert response.status_code == 200
    assert "Too many password reset requests" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_limit_same_for_unknown_address(client, learner):
    answers = []
    for email in (learner.email, "nobody-here@example.org"):
        statuses = [_reset(client, email).status_code for _ in range(6)]
        answers.append(statuses)
    assert answers[0] == answers[1] == [302] * 5 + [200]


def test_password_reset_per_address_limit(client):
    for n in range(20):
        assert _reset(client, f"someone{n}@example.org").status_code == 302
    assert _reset(client, "one-more@example.org").status_code == 200


# --- Administrators unlock ----------------------------------------------------------------


@pytest.fixture
def locked_learner(client, learner):
    for _ in range(5):
        _site_login(client, learner.email, WRONG)
    assert lockout_state(account=learner.email, ip_address=None).locked
    return learner


def test_administrator_sees_and_unlocks_an_account(client, locked_learner, administrator):
    admin_client = type(client)()
    admin_client.force_login(administrator)
    page = admin_client.get(reverse("accounts_lockouts"))
    assert page.status_code == 200
    assert locked_learner.email in page.content.decode()

    response = admin_client.post(reverse("accounts_lockouts"), {"kind": "account", "value": locked_learner.email})

    assert response.status_code == 302
    assert not lockout_state(account=locked_learner.email, ip_address=None).locked
    assert _site_login(client, locked_learner.email, PASSWORD).status_code == 302


def test_administrator_unlocks_an_address(client, administrator):
    for n in range(20):
        _site_login(client, f"sprayed{n}@example.org", WRONG)
    assert lockout_state(account=None, ip_address="127.0.0.1").locked
    admin_client = type(client)()
    admin_client.force_login(administrator)
    assert "127.0.0.1" in admin_client.get(reverse("accounts_lockouts")).content.decode()

    admin_client.post(reverse("accounts_lockouts"), {"kind": "address", "value": "127.0.0.1"})

    assert not lockout_state(account=None, ip_address="127.0.0.1").locked


@pytest.mark.parametrize("role", [roles.INSTRUCTOR, roles.MENTOR, roles.STUDENT])
def test_unlock_refused_to_non_administrators(client, locked_learner, role):
    other = UserFactory(roles=[role], is_staff=role == roles.INSTRUCTOR)
    other_client = type(client)()
    other_client.force_login(other)

    get = other_client.get(reverse("accounts_lockouts"))
    post = other_client.post(reverse("accounts_lockouts"), {"kind": "account", "value": locked_learner.email})

    assert get.status_code in (302, 403)
    assert post.status_code in (302, 403)
    assert lockout_state(account=locked_learner.email, ip_address=None).locked


def test_axes_records_are_in_the_django_admin(client, locked_learner, administrator):
    admin_client = type(client)()
    admin_client.force_login(administrator)
    response = admin_client.get("/django-admin/axes/accessattempt/")
    assert response.status_code == 200
    assert locked_learner.email in response.content.decode()
