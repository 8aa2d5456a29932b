"""Family D: generic error pages with DEBUG off, and the API's JSON envelope for errors under /api/.

No answer shows the exception's text, a stack trace or a setting; pages are the site's styled
templates; /api/ answers JSON even when Django (not DRF) produced the error.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.security.error_urls import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]

LEAKS = (SECRET, "Traceback", "SECRET_KEY", settings.SECRET_KEY, "DATABASES", "INSTALLED_APPS", "settings.py")


def client(**kwargs) -> Client:
    return Client(raise_request_exception=False, **kwargs)


def assert_generic_page(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/static/css/site.css"' in html  # styled like the site
    for leak in LEAKS:
        assert leak not in html, leak
    assert "Content-Security-Policy" in response


def assert_api_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert [error["code"] for error in body["errors"]] == [code]
    assert body["meta"]["request_id"] == response["X-Request-ID"]
    for leak in LEAKS:
        assert leak not in response.content.decode(), leak


def test_debug_is_off():
    assert settings.DEBUG is False


def test_500_page_is_generic():
    assert_generic_page(client().get("/test-errors/boom/"), 500, "Something went wrong")


def test_404_page_is_generic(db):
    assert_generic_page(client().get(f"/no-such-page-{SECRET}/"), 404, "Page not found")


def test_403_page_is_generic():
    assert_generic_page(client().get("/test-errors/forbidden/"), 403, "Access denied")


def test_400_page_is_generic():
    assert_generic_page(client().get("/test-errors/suspicious/"), 400, "Bad request")


def test_a_refused_host_gets_the_generic_400():
    response = client().get("/", HTTP_HOST="evil.example")
    assert_generic_page(response, 400, "Bad request")
    assert "evil.example" not in response.content.decode()


def test_a_failed_csrf_check_gets_the_generic_403():
    response = client(enforce_csrf_checks=True).post("/test-errors/form/", {"x": "1"})
    assert_generic_page(response, 403, "Your form expired")
    assert "CSRF cookie" not in response.content.decode()  # Django's reason stays in the log


def test_api_errors_that_django_answers_stay_in_the_envelope(db):
    assert_api_error(client().get("/api/v1/no-such-endpoint/"), 404, "not_found")
    assert_api_error(client().get("/api/test-errors/boom/"), 500, "server_error")
    assert_api_error(client().get("/api/test-errors/drf-boom/"), 500, "server_error")
    assert_api_error(client().get("/api/test-errors/forbidden/"), 403, "permission_denied")
    assert_api_error(client().get("/api/test-errors/suspicious/"), 400, "bad_request")
    assert_api_error(client(enforce_csrf_checks=True).post("/api/test-errors/form/"), 403, "csrf_failed")


def test_api_errors_that_drf_answers_are_unchanged(db):
    """DRF's own 404 (an unknown id) was already the envelope: the handlers leave it alone."""
    response = client().get("/api/v1/courses/999999/")
    assert_api_error(response, 404, "not_found")
