"""The one API envelope: success, pagination meta and every error kind."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _assert_meta(body):
    assert set(body["meta"]) >= {"request_id", "timestamp"}
    assert body["meta"]["timestamp"].endswith("Z")


def test_success_is_wrapped_in_the_envelope(api_client, make_course):
    make_course(title="Blue Team Basics")
    response = api_client.get("/api/v1/courses/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert [course["title"] for course in body["data"]] == ["Blue Team Basics"]
    _assert_meta(body)


def test_list_carries_pagination_meta(api_client, make_course):
    for _ in range(3):
        make_course(modules=1, lessons=1)
    body = api_client.get("/api/v1/courses/?page_size=2").json()
    assert len(body["data"]) == 2
    assert body["meta"]["pagination"] == {
        "page": 1,
        "page_size": 2,
        "count": 3,
        "pages": 2,
        "next": "http://testserver/api/v1/courses/?page=2&page_size=2",
        "previous": None,
    }


def test_page_size_is_capped_at_one_hundred(api_client, make_course):
    make_course(modules=1, lessons=1)
    body = api_client.get("/api/v1/courses/?page_size=100000").json()
    assert body["meta"]["pagination"]["page_size"] == 100


def test_request_id_is_echoed_in_header_and_meta(api_client, catalog):
    response = api_client.get("/api/v1/courses/", HTTP_X_REQUEST_ID="client-req-12345678")
    assert response["X-Request-ID"] == "client-req-12345678"
    assert response.json()["meta"]["request_id"] == "client-req-12345678"


def test_unsafe_request_id_is_replaced(api_client, catalog):
    response = api_client.get("/api/v1/courses/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_every_response_has_a_request_id(client, catalog):
    assert client.get("/courses/")["X-Request-ID"]


def test_validation_error_names_the_field(api_client, db):
    response = api_client.post("/api/v1/auth/token/", {"email": "someone@example.org"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"] == [{"code": "required", "message": "This field is required.", "field": "password"}]
    _assert_meta(body)


def test_unauthenticated_is_401_in_the_envelope(api_client, db):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "not_authenticated"
    assert body["errors"][0]["field"] is None


def test_forbidden_is_403_in_the_envelope(student):
    # A session-authenticated unsafe request without a CSRF token is refused.
    api_client = APIClient(enforce_csrf_checks=True)
    api_client.force_login(student)
    response = api_client.post("/api/v1/auth/logout/", {"refresh": "x"}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "permission_denied"
    assert "CSRF" in body["errors"][0]["message"]


def test_not_found_is_404_in_the_envelope(api_client, catalog):
    response = api_client.get("/api/v1/courses/999999/")
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == "error"
    assert [error["code"] for error in body["errors"]] == ["not_found"]


def test_method_not_allowed_is_405_in_the_envelope(api_client, make_course):
    built = make_course(modules=1, lessons=1)
    response = api_client.delete(f"/api/v1/courses/{built.course.pk}/")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_unsupported_media_type_is_415(api_client, db):
    response = api_client.post("/api/v1/auth/token/", "email=a@b.c", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_throttled_is_429_with_retry_after(api_client, db, monkeypatch):
    from lms_site.rest.throttling import AuthRateThrottle

    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    payload = {"email": "nobody@example.org", "password": "wrong-password-123"}
    statuses = [api_client.post("/api/v1/auth/token/", payload, format="json").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = api_client.post("/api/v1/auth/token/", payload, format="json")
    assert response.json()["errors"][0]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_schema_is_served_and_describes_the_envelope(api_client, db):
    response = api_client.get(reverse("api-v1:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    courses_list = schema["paths"]["/api/v1/courses/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert set(courses_list["schema"]["properties"]) == {"status", "data", "meta"}
    assert "ErrorEnvelope" in schema["components"]["schemas"]


def test_docs_page_is_served(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client, db):
    # No CDN: the docs work on a machine without internet, and the page's policy names no other host.
    response = client.get("/api/v1/docs/")
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert {"swagger-ui-bundle.js", "swagger-ui.css"} <= {asset.rsplit("/", 1)[-1] for asset in assets}
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "http" not in response["Content-Security-Policy"]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
