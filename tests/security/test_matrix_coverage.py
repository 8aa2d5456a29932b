"""The meta-test: the matrix covers every route there is, and only routes that exist.

Fails, listing what to add, when
- a route of the URL resolver (every include: our apps, allauth, the Wagtail admin and page
  serving, the Django admin) is covered by no entry;
- a REST route (api/v1/) implements a method that no entry of it sends, or the OpenAPI schema has
  an operation (path + method) that no entry covers;
- an entry matches no route (a renamed or removed URL), or names a method the REST view lacks;
- an entry about another user's object does not say whose it is (`owner`).
"""

from tests.security.matrix import OUTCOMES, ROLES, all_routes, entries_for, load_matrix, schema_operations

HOW_TO_FIX = "\nAdd entries to security/authorization-matrix.yaml (see its header and the README)."


def _covered_methods(pattern: str) -> set[str]:
    return {method for entry in entries_for(pattern) for method in entry.methods}


def test_every_route_is_in_the_matrix():
    missing = [route.pattern for route in all_routes() if not entries_for(route.pattern)]
    assert not missing, "Routes missing from the matrix:\n  " + "\n  ".join(missing) + HOW_TO_FIX


def test_every_api_method_is_in_the_matrix():
    missing = []
    for route in all_routes():
        if route.is_api:
            for method in sorted(set(route.api_methods) - _covered_methods(route.pattern)):
                missing.append(f"{method} {route.pattern}")
    assert not missing, "API methods missing from the matrix:\n  " + "\n  ".join(missing) + HOW_TO_FIX


def test_every_schema_operation_is_in_the_matrix(db):
    missing = sorted(
        f"{method} {pattern}" for pattern, method in schema_operations() if method not in _covered_methods(pattern)
    )
    assert not missing, "OpenAPI operations missing from the matrix:\n  " + "\n  ".join(missing) + HOW_TO_FIX


def test_every_entry_matches_a_route():
    _, entries = load_matrix()
    patterns = [route.pattern for route in all_routes()]
    stale = [entry.id for entry in entries if not any(entry.matches(pattern) for pattern in patterns)]
    assert not stale, "Matrix entries that match no route (renamed or removed?):\n  " + "\n  ".join(stale)


def test_api_entries_name_only_methods_the_view_has():
    routes = {route.pattern: route for route in all_routes()}
    _, entries = load_matrix()
    wrong = []
    for entry in entries:
        route = routes.get(entry.pattern)
        if route is not None and route.is_api and route.api_methods:
            extra = set(entry.methods) - set(route.api_methods)
            if extra:
                wrong.append(f"{entry.id}: the view has no {sorted(extra)}")
    assert not wrong, "\n".join(wrong)


def test_entries_name_known_roles_and_outcomes():
    data, entries = load_matrix()
    assert tuple(data["roles"]) == ROLES

    wrong = [
        f"{entry.id}: {role} -> {outcome}"
        for entry in entries
        for role, outcome in entry.expect.items()
        if role not in (*ROLES, "default") or outcome not in OUTCOMES
    ]
    assert not wrong, "Unknown roles or outcomes:\n  " + "\n  ".join(wrong)


# World objects that belong to one learner: an entry reaching one of them must name its owner, so
# test_object_level.py replays its unsafe methods as the other learner.
OWNED_OBJECTS = {
    "student_enrollment": "student",
    "student_attempt": "student",
    "other_student_enrollment": "other_student",
    "other_student_attempt": "other_student",
    "exam_attempt": "student",
    "certificate": "student",
    "other_certificate": "other_student",
}


def test_entries_on_a_learners_object_name_the_owner():
    _, entries = load_matrix()
    missing = []
    for entry in entries:
        if not isinstance(entry.args, dict) or entry.pattern.startswith(("admin/", "django-admin/")):
            continue
        owners = {OWNED_OBJECTS[key] for key in entry.args.values() if key in OWNED_OBJECTS}
        if owners and entry.owner not in owners:
            missing.append(f"{entry.id}: reaches {owners}'s object but declares owner={entry.owner!r}")
    assert not missing, "\n".join(missing)
