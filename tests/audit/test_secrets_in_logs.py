"""Secrets never appear in logs or error reports.

Login flows run with every logger at DEBUG; no record (as pytest captured it, or as our
configured console handler wrote it) may contain the password, a token or an OTP code. The
redaction filter itself is tested with records that do carry secrets, so removing it fails.
"""

import io
import logging

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from accounts import roles
from audit.log_redaction import SecretExceptionReporterFilter, SecretRedactionFilter, redact_text
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.mfa.helpers import totp_code, totp_device_confirmed

pytestmark = pytest.mark.django_db

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoxMjN9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.fixture
def console_output():
    """What the configured console handler writes (the handler the deployment's logs come from)."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, SecretRedactionFilter) for f in handler.filters)
    ]
    assert handlers, "LOGGING's console handler lost its SecretRedactionFilter"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


@pytest.fixture
def learner(db):
    """Built before DEBUG logging starts (factory_boy logs the factory's arguments at DEBUG)."""
    return UserFactory(roles=[roles.STUDENT])


@pytest.fixture
def staff_with_device(db):
    user = UserFactory(roles=[roles.INSTRUCTOR])
    return user, totp_device_confirmed(user)


@pytest.fixture
def debug_logs(caplog, console_output):
    for name in (None, "django", "django.request", "django.security", "axes", "rest_framework_simplejwt"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def everything_logged(caplog, console_output) -> str:
    parts = [console_output.getvalue(), caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(vars(record)))
    return "\n".join(parts)


def assert_not_logged(caplog, console_output, *secrets):
    text = everything_logged(caplog, console_output)
    for secret in secrets:
        assert secret and secret not in text, f"{secret[:12]}… was logged"


# --- the flows ---------------------------------------------------------------------------------------


def test_site_login_and_a_failed_login_log_no_password(client, learner, debug_logs, console_output):
    user = learner
    wrong = "Wrong-Passphrase-0f-Mine"
    client.post("/accounts/login/", {"login": user.email, "password": wrong})
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    assert debug_logs.records, "nothing was captured: the test would prove nothing"
    assert_not_logged(debug_logs, console_output, PASSWORD, wrong)


def test_jwt_obtain_refresh_and_failure_log_no_password_or_token(api_client, learner, debug_logs, console_output):
    user = learner
    wrong = "Wrong-Passphrase-0f-Mine"
    assert api_client.post("/api/v1/auth/token/", {"email": user.email, "password": wrong}).status_code == 401
    tokens = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}).json()["data"]
    refreshed = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).json()["data"]
    # The rotated-out refresh token again: refused, and it must not be logged either.
    api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed['access']}")
    api_client.get("/api/v1/me/")
    api_client.get("/api/v1/no-such-endpoint/")
    assert debug_logs.records
    assert_not_logged(
        debug_logs,
        console_output,
        PASSWORD,
        wrong,
        tokens["access"],
        tokens["refresh"],
        refreshed["access"],
        refreshed["refresh"],
    )


def test_otp_codes_are_not_logged(api_client, staff_with_device, debug_logs, console_output):
    user, device = staff_with_device
    code = totp_code(device)
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, "otp": code})
    assert response.status_code == 200, response.content
    # The same code again (refused: each works once) and a wrong one.
    api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, "otp": code})
    wrong_code = totp_code(device, offset_steps=40)
    api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, "otp": wrong_code})
    assert_not_logged(debug_logs, console_output, PASSWORD, code, wrong_code, response.json()["data"]["access"])


# --- the filter, with records that carry secrets -------------------------------------------------------


def test_the_filter_redacts_messages_arguments_extras_and_exceptions(debug_logs, console_output):
    logger = logging.getLogger("tests.audit.leaky")
    logger.warning("login password=%s otp_token: %s", "hunter2-hunter2", "123456")
    logger.warning("header Authorization: Bearer %s", "abcdefgh12345678")
    logger.warning("payload %s", {"refresh": JWT, "email": "a@example.org"})
    logger.warning("reset link /accounts/password/reset/key/1a-abcdef123456/ opened")
    logger.warning("signed in", extra={"password": "hunter2-hunter2", "context": {"api_key": "k-123456789"}})
    try:
        raise ValueError(f"bad token={JWT}")
    except ValueError:
        logger.exception("failed")
    assert_not_logged(
        debug_logs, console_output, "hunter2-hunter2", "123456", "abcdefgh12345678", JWT, "k-123456789", "abcdef123456"
    )
    assert "[redacted]" in console_output.getvalue()
    assert "a@example.org" in console_output.getvalue()  # not a secret: kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=abc def", "password=[redacted] def"),
        ('{"new_password1": "x y"}', '{"new_password1": [redacted]}'),
        ("access_token=abc&x=1", "access_token=[redacted]&x=1"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: [redacted]"),
        (f"token {JWT}", "token [redacted]"),
        ("course_full: no seats", "course_full: no seats"),
    ],
)
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def test_error_reports_hide_passwords_codes_and_authorization():
    request = RequestFactory().post(
        "/accounts/privacy/erasure/",
        {"password": "hunter2-hunter2", "code": "123456", "new_password1": "x", "course": "7"},
        HTTP_AUTHORIZATION=f"Bearer {JWT}",
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        reporter = ExceptionReporter(request, type(error), error, error.__traceback__)
        reporter.filter = SecretExceptionReporterFilter()
        text = reporter.get_traceback_text()
    for secret in ("hunter2-hunter2", "123456", JWT):
        assert secret not in text
    assert "course" in text


def test_django_uses_the_wider_error_report_filter():
    from django.views.debug import get_default_exception_reporter_filter

    assert isinstance(get_default_exception_reporter_filter(), SecretExceptionReporterFilter)
