"""Family P: API hygiene, generated from the routes and the schema.

- page size is capped (EnvelopePageNumberPagination.max_page_size) on every paginated list;
- a body in another content type than JSON is refused with 415 on every operation that takes one;
- a method a REST route does not implement answers 405 with an Allow header naming what it does.

Also family P, tested elsewhere: the committed OpenAPI schema equals the generated one
(tests/api/test_schema.py); the last seat (tests/learning/test_concurrency.py) and double submit
(tests/assessments/test_concurrency.py) races. Single-use coupons do not exist yet (payments).
"""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from lms_site.rest.pagination import EnvelopePageNumberPagination
from tests.security.matrix import HTTP_METHODS, all_routes, build_paths, entries_for
from tests.security.requests import send

MAX_PAGE_SIZE = EnvelopePageNumberPagination.max_page_size


def _schema():
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def _signed_in_role(pattern, method) -> str:
    for entry in entries_for(pattern):
        if method in entry.methods:
            for role, outcome in entry.expect.items():
                if role not in ("anonymous", "default") and outcome == "allow":
                    return role
            if entry.expect.get("default") == "allow":
                return "student"
    return "student"


def _api_routes():
    return [route for route in all_routes() if route.is_api and route.api_methods]


def test_page_size_is_capped_on_every_paginated_list(world, client_for):
    assert MAX_PAGE_SIZE and MAX_PAGE_SIZE <= 100
    checked = []
    for route in _api_routes():
        if "GET" not in route.api_methods:
            continue
        entry = entries_for(route.pattern)[0]
        path = build_paths(entry, route.pattern, world)[0]
        query = "&".join(filter(None, [entry.query.format(**world.ids), "page_size=100000"]))
        role = _signed_in_role(route.pattern, "GET")
        response = client_for(role).get(f"{path}?{query}")
        if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
            continue
        pagination = json.loads(response.content).get("meta", {}).get("pagination")
        if pagination is None:
            continue
        checked.append(route.pattern)
        assert pagination["page_size"] == MAX_PAGE_SIZE, (route.pattern, pagination)
        assert len(json.loads(response.content)["data"]) <= MAX_PAGE_SIZE
    assert "api/v1/^courses/$" in checked and "api/v1/enrollments/" in checked, checked


def _body_operations():
    """(route pattern, METHOD) of every operation whose schema declares a request body."""
    from tests.security.matrix import pattern_of, resolve_schema_path

    operations = []
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            if method.upper() in HTTP_METHODS and "requestBody" in operation:
                operations.append((pattern_of(resolve_schema_path(path)), method.upper()))
    return sorted(set(operations))


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_non_json_bodies_answer_415(content_type, world, client_for):
    problems = []
    operations = _body_operations()
    assert operations
    for pattern, method in operations:
        entry = next(e for e in entries_for(pattern) if method in e.methods)
        path = build_paths(entry, pattern, world)[0]
        role = _signed_in_role(pattern, method)
        client = client_for(role)
        body = "course=1&answers=x" if "form" in content_type else "hello"
        response = getattr(client, method.lower())(path, data=body, content_type=content_type)
        if response.status_code != 415:
            problems.append(f"{role} {method} {path} ({content_type}) = {response.status_code}")
    assert not problems, "expected 415:\n  " + "\n  ".join(problems)


def test_unsupported_methods_answer_405_with_allow(world, client_for):
    problems = []
    for route in _api_routes():
        entry = entries_for(route.pattern)[0]
        path = build_paths(entry, route.pattern, world)[0]
        unsupported = [method for method in HTTP_METHODS if method not in route.api_methods]
        role = _signed_in_role(route.pattern, route.api_methods[0])
        client = client_for(role)
        for method in unsupported:
            sent = send(client, role, method, path, data={}, api=True)
            if sent.status in (401, 403):
                continue  # refused before the method is looked at (anonymous-only or MFA)
            if sent.status != 405:
                problems.append(f"{sent.describe()}: expected 405")
                continue
            allow = {m.strip() for m in sent.allow.split(",") if m.strip()}
            if not set(route.api_methods) <= allow or method in allow:
                problems.append(f"{method} {path}: Allow={sorted(allow)}, view has {route.api_methods}")
    assert not problems, "\n".join(problems)
