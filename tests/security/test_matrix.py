"""Family A: every matrix entry, for every role it names, answers as declared.

One test per (route, method): the roles are sent one after another, each in a rolled-back
savepoint. Also checked on every request (family C):
- a GET writes to no table (beyond `writes_allowed_on_any_request` and the entry's `get_writes`);
- a refused unsafe request (login / deny / hidden / method) writes to no table either.

MATRIX_DISCOVER=1 prints what each role actually got instead of failing (to fill in a new entry).
"""

import os

import pytest

from tests.security.matrix import ROLES, all_routes, build_paths, entries_for, load_matrix, satisfies
from tests.security.requests import always_allowed_writes, send


def _cases():
    """One case per (exact entry, method); one per (glob rule, method) covering all its routes."""
    _, entries = load_matrix()
    routes_of = {entry.index: [] for entry in entries}
    for route in all_routes():
        for entry in entries_for(route.pattern):
            routes_of[entry.index].append(route.pattern)
    cases = []
    for entry in entries:
        patterns = routes_of[entry.index]
        if not patterns:
            continue  # test_matrix_coverage reports it
        for method in entry.methods:
            label = f"{method} {entry.pattern}" + (f" ({len(patterns)} routes)" if entry.is_glob else "")
            cases.append(pytest.param(entry, tuple(patterns), method, id=label))
    return cases


def roles_to_send(entry) -> list[str]:
    return [role for role in ROLES if entry.outcome_for(role) != "skip"]


@pytest.mark.parametrize(("entry", "patterns", "method"), _cases())
def test_matrix_entry(entry, patterns, method, world, client_for):
    allowed_writes = always_allowed_writes() | set(entry.get_writes)
    problems, seen = [], []
    clients = {role: client_for(role) for role in roles_to_send(entry)}
    for pattern in patterns:
        for path in build_paths(entry, pattern, world):
            for role, client in clients.items():
                expected = entry.outcome_for(role)
                sent = send(
                    client,
                    role,
                    method,
                    path,
                    data=entry.data,
                    api=pattern.startswith("api/"),
                    query=entry.query.format(**world.ids),
                )
                seen.append(sent.describe())
                if not satisfies(sent.outcome, expected):
                    problems.append(f"{sent.describe()}: expected {expected}")
                unexpected = set(sent.written) - allowed_writes
                if method == "GET" and unexpected:
                    problems.append(f"{sent.describe()}: a GET wrote to {sorted(unexpected)} {sent.written}")
                if method != "GET" and sent.outcome in ("login", "deny", "hidden", "method") and unexpected:
                    problems.append(f"{sent.describe()}: refused, yet wrote to {sorted(unexpected)}")
    if os.environ.get("MATRIX_DISCOVER"):
        print("\n" + "\n".join(seen))
        return
    assert not problems, "\n".join(problems)


def test_every_role_is_known():
    data, entries = load_matrix()
    groups = set(data.get("groups", {}))
    for entry in entries:
        unknown = set(entry.expect) - set(ROLES) - {"default"} - groups
        assert not unknown, f"{entry.id}: unknown roles {unknown}"
