"""The client address the app records: the proxy's header only where settings trust it."""

import pytest
from django.test import RequestFactory

from lms_site.client_ip import client_ip


@pytest.mark.parametrize(
    ("header_setting", "meta", "expected"),
    [
        ("", {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "203.0.113.9"}, "10.0.0.2"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "203.0.113.9"}, "203.0.113.9"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "not an address"}, "10.0.0.2"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "2001:db8::1, 10.0.0.1"},
            "2001:db8::1",
        ),
    ],
    ids=["untrusted-header-ignored", "trusted-header", "garbage-header", "missing-header", "first-forwarded-ipv6"],
)
def test_client_ip_trusts_only_the_configured_header(settings, header_setting, meta, expected):
    settings.CLIENT_IP_HEADER = header_setting
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected
