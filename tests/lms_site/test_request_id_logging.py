"""Every log line written while serving a request carries that request's id."""

import logging

import pytest

from lms_site.logging import RequestIDFilter

pytestmark = pytest.mark.django_db


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIDFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def captured():
    handler = _Capture()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize(("path", "status"), [("/api/v1/me/", 401), ("/api/v1/courses/999999/", 404)])
def test_django_request_warnings_carry_the_request_id(client, catalog, captured, path, status):
    # Django logs 4xx responses after the middleware chain has returned.
    response = client.get(path, HTTP_X_REQUEST_ID="trace-audit-0001")
    assert response.status_code == status
    assert response["X-Request-ID"] == "trace-audit-0001"
    assert captured, "django.request logged nothing"
    assert {record.request_id for record in captured} == {"trace-audit-0001"}


def test_a_line_logged_outside_any_request_has_no_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    RequestIDFilter().filter(record)
    assert record.request_id == "-"
