"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Every test in this directory is marked `e2e` and gets:

- `live_server`: one Django server thread for the session, in this process. Data the test
  creates through the ORM is visible to it (transactional database), and so is
  `django.core.mail.outbox` (locmem backend, same process).
- `page`: a fresh browser context per test; relative URLs go to the live server. When the test
  fails, a full-page screenshot is saved to test-results/<test name>.png.

Two things about Playwright's sync API shape this file:

1. It marks its event loop as running in the main thread between calls, for as long as the
   browser lives. Django then (a) refuses ORM calls (DJANGO_ALLOW_ASYNC_UNSAFE below) and
   (b) keeps its database connections per async context instead of per thread, so the test
   would get a second set of connection objects, without the snapshot pytest-django takes for
   serialized rollback (pytest-django#1117). `browser` puts the thread's connections back in
   place after starting Playwright.
2. The loop stays marked as running until the session ends, so the browser tests run last
   (after pytest-django's own ordering): no other test runs under it.

Transactional tests end by emptying every table, including the rows the migrations created
(role groups, permissions, Wagtail's root page). These tests use a serialized rollback: the
rows the migrations left are reloaded before each browser test (into tables emptied first),
and again after the last one, for whatever test runs next.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connections, transaction
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API keeps an event loop in the main thread; Django's ORM would otherwise
# refuse to run in the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent

expect.set_options(timeout=TIMEOUT_MS)

_db_blocker_key = pytest.StashKey()
_reports_key = pytest.StashKey()


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_itemcollected(item):
    """Every test in this directory is a browser test, marked or not (so `-m "not e2e"` leaves it out)."""
    if _is_browser_test(item) and item.get_closest_marker("e2e") is None:
        item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests after every other test (see the module docstring).

    trylast: after pytest-django has sorted the items (plain database tests first, then
    transactional ones), and after `-m` / `-k` have deselected theirs.
    """
    items[:] = [item for item in items if not _is_browser_test(item)] + [
        item for item in items if _is_browser_test(item)
    ]


@pytest.fixture(scope="session", autouse=True)
def _remember_db_blocker(request, django_db_blocker):
    """The teardown hook below runs outside any fixture: it finds pytest-django's blocker here."""
    request.config.stash[_db_blocker_key] = django_db_blocker


@pytest.fixture(autouse=True)
def _e2e_database(django_db_serialized_rollback, live_server):
    """A transactional database, reloaded with the migrations' rows before each test."""


@pytest.fixture(scope="module", autouse=True)
def _empty_tables_for_the_snapshot(django_db_setup, django_db_blocker):
    """Empty every table before a module's first test loads the migrations' snapshot into it.

    A transactional test without a serialized rollback (e.g. the Celery round trip) ends with
    a flush after which the post_migrate signal recreates content types and permissions under
    new ids: the snapshot's rows would collide with them. The snapshot's content types go back
    first: loading the other rows looks content types up (and would create missing ones).
    Module scope: this runs before the function-scoped fixtures, among them pytest-django's,
    which loads the snapshot.
    """
    with django_db_blocker.unblock():
        for connection in _connections_with_a_snapshot():
            # Sequences keep their values: the snapshot's rows come back with their own ids.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=connection.alias,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            content_types = [
                row
                for row in json.loads(connection._test_serialized_contents)
                if row["model"] == "contenttypes.contenttype"
            ]
            with transaction.atomic(using=connection.alias):
                for row in serializers.deserialize("json", json.dumps(content_types), using=connection.alias):
                    row.save(using=connection.alias)
    ContentType.objects.clear_cache()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test, put back the migrations' rows (its flush left every table empty)."""
    result = yield
    if nextitem is not None and not _is_browser_test(nextitem):
        with item.config.stash[_db_blocker_key].unblock():
            for connection in _connections_with_a_snapshot():
                connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    return result


def _connections_with_a_snapshot():
    """Connections to test databases that pytest-django serialized after migrating them."""
    return [
        connection
        for connection in connections.all(initialized_only=True)
        if getattr(connection, "_test_serialized_contents", None)
    ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item: `page` takes a screenshot when one failed."""
    report = yield
    if _is_browser_test(item):
        item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium` (`make test` does it for you).",
            pytrace=False,
        )
    thread_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # Now that a loop looks "running", Django would hand out new connection objects: keep ours.
    for alias, connection in thread_connections.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(report.failed for report in reports.values()):
        directory = Path(request.config.rootpath) / "test-results"
        directory.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the test's own failure
            print(f"could not save a screenshot of the failure: {exc}")
    context.close()
