"""Family C: every unsafe request made with a session and without a CSRF token is refused.

Generated from the URL resolver, not hand-listed: every route gets a POST, and REST routes every
unsafe method their view implements. The request is sent by a signed-in user (a role the matrix
allows there, so a refusal is the CSRF check and not a permission), with
Client(enforce_csrf_checks=True) and no token. Expected: 403 naming CSRF, and no table written.
Exemptions are declared in the matrix (`csrf_exempt: reason`), e.g. the JWT endpoints, which read
no session.
"""

import logging

import pytest

from tests.security.matrix import UNSAFE_METHODS, all_routes, build_paths, entries_for
from tests.security.requests import always_allowed_writes, send

ADMIN_PREFIXES = ("admin/", "django-admin/")


def _unsafe_methods(route) -> tuple[str, ...]:
    if route.is_api:
        return tuple(method for method in route.api_methods if method in UNSAFE_METHODS)
    declared = {method for entry in entries_for(route.pattern) for method in entry.methods}
    return tuple(method for method in UNSAFE_METHODS if method in declared) or ("POST",)


def _cases():
    cases = []
    for route in all_routes():
        entries = entries_for(route.pattern)
        if not entries:
            continue  # test_matrix_coverage reports it
        for method in _unsafe_methods(route):
            cases.append(pytest.param(route.pattern, method, id=f"{method} {route.pattern}"))
    return cases


def _signed_in_role(entries, method, pattern) -> str:
    """A role allowed to send `method` here (so that only the missing token can refuse it)."""
    for entry in entries:
        if method in entry.methods:
            for role, outcome in entry.expect.items():
                if role not in ("anonymous", "default") and outcome == "allow":
                    return role
    return "administrator" if pattern.startswith(ADMIN_PREFIXES) else "student"


def _entry_for(entries, method):
    return next((entry for entry in entries if method in entry.methods), entries[0])


@pytest.mark.parametrize(("pattern", "method"), _cases())
def test_unsafe_request_without_csrf_token_is_refused(pattern, method, world, client_for, caplog):
    entries = entries_for(pattern)
    entry = _entry_for(entries, method)
    exemption = next((e.csrf_exempt for e in entries if e.csrf_exempt), None)
    role = _signed_in_role(entries, method, pattern)
    client = client_for(role, enforce_csrf_checks=True)
    path = build_paths(entry, pattern, world)[0]
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        sent = send(client, role, method, path, data=entry.data, api=pattern.startswith("api/"))
    csrf_refused = sent.status == 403 and (
        b"CSRF" in sent.body or any("CSRF" in record.getMessage() for record in caplog.records)
    )
    if exemption:
        assert not csrf_refused, f"{sent.describe()}: declared csrf_exempt ({exemption}) but CSRF is enforced"
        return
    assert csrf_refused, f"{sent.describe()}: expected a CSRF refusal (403)"
    unexpected = set(sent.written) - always_allowed_writes()
    assert not unexpected, f"{sent.describe()}: refused, yet wrote to {sorted(unexpected)}"
