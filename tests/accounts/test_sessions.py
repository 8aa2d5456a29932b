"""Sessions (SECURITY.md family C): fixation, logout replay, idle and absolute timeouts, credential changes."""

import time

import pytest
from django.conf import settings
from django.test import Client

from accounts.sessions import IDLE_KEY, LAST_SEEN_KEY, STARTED_KEY, TOUCH_INTERVAL
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def _session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _rewind(client, **seconds_ago):
    """Move the session's recorded times into the past, as if time had passed."""
    session = client.session
    now = int(time.time())
    if "started" in seconds_ago:
        session[STARTED_KEY] = now - seconds_ago["started"]
    if "last_seen" in seconds_ago:
        session[LAST_SEEN_KEY] = now - seconds_ago["last_seen"]
    session.save()


def _signed_in(client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def test_login_gives_a_new_session_key(client, student):
    client.get("/accounts/login/")
    client.session.save()
    before = _session_cookie(client)
    response = client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _session_cookie(client) != before
    assert _signed_in(client)


def test_a_planted_session_key_is_not_adopted(student):
    attacker = Client()
    attacker.get("/accounts/login/")
    attacker.session.save()
    planted = _session_cookie(attacker)

    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted
    victim.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert _signed_in(victim)
    assert not _signed_in(attacker)


def test_logged_out_session_cookie_cannot_be_replayed(client, student):
    client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    old_cookie = _session_cookie(client)
    assert client.post("/accounts/logout/").status_code == 302

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert not _signed_in(replay)


def test_logout_by_get_does_not_log_out(client, student):
    client.force_login(student)
    client.get("/accounts/logout/")
    assert _signed_in(client)


def test_login_records_the_idle_limit_of_the_role(client, student, instructor):
    client.force_login(student)
    assert client.session[IDLE_KEY] == settings.SESSION_IDLE_TIMEOUT_LEARNER == 30 * 60
    staff = Client()
    staff.force_login(instructor)
    assert staff.session[IDLE_KEY] == settings.SESSION_IDLE_TIMEOUT_STAFF == 15 * 60


def test_learner_stays_signed_in_within_the_idle_limit(client, student):
    client.force_login(student)
    _rewind(client, last_seen=29 * 60)
    assert _signed_in(client)


def test_learner_idle_for_thirty_minutes_is_signed_out(client, student):
    client.force_login(student)
    _rewind(client, last_seen=30 * 60 + 1)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(client)


def test_staff_idle_for_fifteen_minutes_is_signed_out(client, instructor):
    client.force_login(instructor)
    _rewind(client, last_seen=15 * 60 + 1)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_absolute_limit_ends_an_active_session(client, student):
    client.force_login(student)
    _rewind(client, started=12 * 3600 + 1, last_seen=10)
    assert not _signed_in(client)


def test_activity_moves_the_idle_clock_forward(client, student):
    client.force_login(student)
    _rewind(client, last_seen=TOUCH_INTERVAL + 5)
    assert _signed_in(client)
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < TOUCH_INTERVAL


def test_api_request_on_an_idle_session_is_anonymous(client, student):
    client.force_login(student)
    _rewind(client, last_seen=31 * 60)
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)


def test_session_without_login_markers_is_ended(client, student):
    client.force_login(student)
    session = client.session
    for key in (STARTED_KEY, LAST_SEEN_KEY, IDLE_KEY):
        del session[key]
    session.save()
    assert not _signed_in(client)


def test_password_change_ends_the_other_sessions(student):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
        assert _signed_in(client)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "an entirely new passphrase 42",
            "password2": "an entirely new passphrase 42",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert _signed_in(laptop)
    assert not _signed_in(phone)


def test_deactivation_ends_every_session(client, student):
    client.force_login(student)
    student.is_active = False
    student.save()
    assert not _signed_in(client)


def test_session_cookie_flags(client, student):
    response = client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # Without "remember me" the cookie ends with the browser; with it, never after the absolute limit.
    assert cookie["max-age"] == "" or int(cookie["max-age"]) <= settings.SESSION_ABSOLUTE_TIMEOUT
