"""schemathesis against the REST API, inside the normal test run (bounded, deterministic).

The schema is loaded from the running app (`/api/v1/schema/`, served on 127.0.0.1 from a thread:
schemathesis 4.32's in-process WSGI transport fails on its auth replays), so what runs is the
code, not the committed copy. Two learners, alice and bob, each with their own enrollment, attempt and
certificate, are listed in a Web Fuzzing Commons auth document (JWT bearer tokens) as peers:
requests go out as alice, and schemathesis' `object_level_authorization` check replays every
successful read of an object alice created or listed (ids reused from earlier responses in the
fuzzing phase and chained by the stateful phase) as bob, failing when bob gets it too. Every
other check is on as well (server errors, status codes, content types and response bodies
against the schema, positive/negative data, ignored_auth, use_after_free, ensure_resource_
availability, unsupported_method, allow_header_conformance, missing_required_header).

Run it alone: `pytest tests/security/test_schemathesis.py -p no:randomly -s` (SCHEMATHESIS_
MAX_EXAMPLES=50 for a longer run). Zero failures required.
"""

import json
import os
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import schemathesis
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from accounts import roles
from learning import services as learning_services
from lms_site.wsgi import application
from tests.assessments.builders import build_quiz, place
from tests.builders import build_catalog, build_course, build_home_page
from tests.certificates.helpers import certificate_rows
from tests.factories import UserFactory

# A transactional test: the engine sends requests from its own threads (their own database
# connections), so the data it reads must be committed; serialized_rollback restores what the
# migrations had created once the tables are flushed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))

# Findings judged harmless, each with why (operation, check, a phrase of the failure).
KNOWN = {
    # DRF trims surrounding whitespace (str.strip() also removes \x1c-\x1f) before checking
    # max_length: a string over maxLength only by such characters is stored trimmed, within it.
    ("PATCH /api/v1/me/profile/", "negative_data_rejection", "violates `maxLength`"),
}


def _known(label: str, check: str, detail: str) -> bool:
    return any(label == op and check == name and phrase in detail for op, name, phrase in KNOWN)


def _learners():
    catalog = build_catalog(build_home_page())
    built = build_course(catalog, modules=1, lessons=2, title="Fuzzed course")
    other = build_course(catalog, modules=1, lessons=1, title="Finished course")
    quiz = build_quiz(title="Fuzzed quiz", max_attempts=None)
    place(built.lessons[1], quiz)
    tokens = {}
    for name in ("alice", "bob"):
        user = UserFactory(roles=[roles.STUDENT], email=f"{name}@fuzz.example")
        learning_services.enrollment_create(user=user, course=built.course)
        certificate_rows(user, other.course, 1)
        tokens[name] = str(AccessToken.for_user(user))
    return tokens


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def live_api():
    """The WSGI app on a loopback port (own thread, own database connection) for the run."""
    from django.db import connection, connections

    server = make_server("127.0.0.1", 0, application, server_class=WSGIServer, handler_class=_QuietHandler)

    def serve():
        try:
            server.serve_forever()
        finally:
            # The server thread's own (persistent) connection, so the test database can be dropped.
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=30)
    server.server_close()
    connection.close()


@pytest.fixture
def _no_throttling(monkeypatch):
    """The run sends hundreds of requests a minute as one user; throttling is tested elsewhere."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


def test_schemathesis_finds_no_failure(tmp_path, live_api, _no_throttling):
    tokens = _learners()
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(
        json.dumps(
            {
                "auth": [
                    {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
                    for name, token in tokens.items()
                ]
            }
        )
    )
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20260501,
            "base-url": live_api,
            "workers": 1,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            # Every check on. A schema-valid request may still be refused by a business rule the
            # schema cannot say (an unknown course id, not enrolled, already submitted, a refresh
            # token that is well formed but not one we issued, the login lockout): those
            # statuses count as handled for positive_data_acceptance.
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {"expected-statuses": ["2XX", "400", "401", "403", "404", "409", "429"]},
            },
            "phases": {"stateful": {"max-steps": 10}},
            "auth": {"wfc": {"path": str(auth_file), "user": "alice", "peers": ["alice", "bob"]}},
            # No "max-time": under it the fuzzing and stateful phases keep drawing new cases until
            # the time is spent (a fuzzing session, not a bounded run). One pass: about 20 s on a quiet
            # 2-core machine.
        }
    )
    schema = schemathesis.openapi.from_url(f"{live_api}/api/v1/schema/", config=config)
    failures, errors, operations = [], [], set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE:
                        info = check.failure_info
                        detail = f"{info.failure.title}: {info.failure.message}"[:300] if info else ""
                        if not _known(event.recorder.label, check.name, detail):
                            failures.append(f"{event.recorder.label}: {check.name}: {detail}")
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
    print(f"\nschemathesis: {len(operations)} operations/scenarios, {len(failures)} failures, {len(errors)} errors")
    assert not failures, "\n".join(sorted(set(failures)))
    assert not errors, "\n".join(sorted(set(errors)))
    assert len(operations) >= 20, sorted(operations)
