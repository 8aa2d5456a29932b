"""The authorization matrix (`security/authorization-matrix.yaml`) and the routes it must cover.

Routes come from the URL resolver (walked recursively through every include: our apps, allauth,
the Wagtail admin and Wagtail's page-serving catch-all) and, for the REST API, from the DRF view
classes (which methods each route implements) and the OpenAPI schema.
"""

import fnmatch
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

MATRIX_FILE = Path(__file__).resolve().parents[2] / "security" / "authorization-matrix.yaml"

ROLES = (
    "anonymous",
    "student",
    "other_student",
    "instructor",
    "other_instructor",
    "mentor",
    "administrator",
    "corporate",
)
OUTCOMES = ("allow", "login", "deny", "hidden", "method", "refused", "skip")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
HTTP_METHODS = ("GET", *UNSAFE_METHODS)
# Where a refused visitor is sent to sign in (a redirect there is the "login" outcome).
LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/")


# --- routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the resolver's pattern strings joined, e.g. "api/v1/enrollments/<int:pk>/"
    name: str
    callback: object = field(compare=False, hash=False)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/v1/")

    @property
    def api_methods(self) -> tuple[str, ...]:
        """The HTTP methods a REST view implements (GET/POST/PUT/PATCH/DELETE)."""
        return view_methods(self.callback)

    @property
    def takes_id(self) -> bool:
        return bool(re.search(r"<(?:int|str|uuid|slug|path):|\(\?P<", self.pattern))


def view_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF ViewSet bound by a router
    if actions:
        return tuple(method.upper() for method in HTTP_METHODS if method.lower() in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ()
    return tuple(method for method in HTTP_METHODS if hasattr(view_class, method.lower()))


def _walk(resolver, prefix="", namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield Route(prefix + str(entry.pattern), name, entry.callback)


@cache
def all_routes() -> tuple[Route, ...]:
    """Every route once (the first of duplicated patterns wins, as in the resolver)."""
    seen, routes = set(), []
    for route in _walk(get_resolver()):
        if route.pattern not in seen:
            seen.add(route.pattern)
            routes.append(route)
    return tuple(routes)


def schema_operations() -> set[tuple[str, str]]:
    """(route pattern, METHOD) for every operation in the generated OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    operations = set()
    for path, item in schema["paths"].items():
        match = resolve_schema_path(path)
        if match is None:
            operations.add((f"<unresolvable {path}>", "GET"))
            continue
        for method in item:
            if method.upper() in HTTP_METHODS:
                operations.add((pattern_of(match), method.upper()))
    return operations


def resolve_schema_path(path: str):
    """The ResolverMatch of an OpenAPI path ("/api/v1/x/{id}/"), its parameters filled in."""
    for filler in ("1", "00000000-0000-4000-8000-000000000000", "x"):
        try:
            match = resolve(re.sub(r"\{[^}]+\}", filler, path))
        except Resolver404:
            continue
        if match.route.startswith("api/"):
            return match
    return None


def _normal(pattern: str) -> str:
    return pattern.replace("^", "")


def pattern_of(match) -> str:
    """The route pattern (as in all_routes()) of a ResolverMatch (whose `route` drops inner ^)."""
    normal = _normal(match.route)
    for route in all_routes():
        if _normal(route.pattern) == normal:
            return route.pattern
    return match.route


# --- the matrix --------------------------------------------------------------------------------


@dataclass
class Entry:
    pattern: str
    methods: tuple[str, ...]
    expect: dict[str, str]
    args: dict | str | None = None
    paths: tuple[str, ...] = ()
    query: str = ""
    data: dict | None = None
    owner: str | None = None
    get_writes: tuple[str, ...] = ()
    csrf_exempt: str | None = None
    note: str = ""
    index: int = 0

    @property
    def is_glob(self) -> bool:
        # Only "**" makes a glob: route patterns themselves contain "*" (regular expressions).
        return "**" in self.pattern

    def matches(self, pattern: str) -> bool:
        if not self.is_glob:
            return self.pattern == pattern
        return fnmatch.fnmatchcase(pattern, self.pattern)

    def outcome_for(self, role: str) -> str:
        return self.expect.get(role, self.expect.get("default", "skip"))

    @property
    def id(self) -> str:
        return f"{self.pattern} {','.join(self.methods)}"


def _expand_expect(raw: dict, groups: dict) -> dict:
    expect = {}
    for key, outcome in raw.items():
        for role in groups.get(key, [key]):
            expect[role] = outcome
    return expect


@cache
def load_matrix() -> tuple[dict, tuple[Entry, ...]]:
    data = yaml.safe_load(MATRIX_FILE.read_text())
    groups = data.get("groups", {})
    entries = []
    for index, raw in enumerate(data["routes"]):
        methods = raw.get("methods", ["GET"])
        entries.append(
            Entry(
                pattern=raw["pattern"],
                methods=tuple(method.upper() for method in methods),
                expect=_expand_expect(raw.get("expect", {}), groups),
                args=raw.get("args"),
                paths=tuple(raw.get("paths", ())),
                query=raw.get("query", ""),
                data=raw.get("data"),
                owner=raw.get("owner"),
                get_writes=tuple(raw.get("get_writes", ())),
                csrf_exempt=raw.get("csrf_exempt"),
                note=raw.get("note", ""),
                index=index,
            )
        )
    return data, tuple(entries)


def entries_for(pattern: str) -> list[Entry]:
    """Matrix entries covering a route: exact ones if any, otherwise the first matching glob."""
    _, entries = load_matrix()
    exact = [entry for entry in entries if not entry.is_glob and entry.pattern == pattern]
    if exact:
        return exact
    globs = [entry for entry in entries if entry.is_glob and entry.matches(pattern)]
    return globs[:1]


def route_by_pattern() -> dict[str, Route]:
    return {route.pattern: route for route in all_routes()}


# --- building requests -------------------------------------------------------------------------

# Candidate values for path arguments when a route is covered by a rule rather than by an entry
# with real objects: each is tried until the built path resolves back to the same route.
_DUMMIES = ("999999", "x", "aaaaaaaaaaaaaaaa", "1", "live", "latest", "00000000-0000-0000-0000-000000000000")


def _fill(pattern: str, values: dict) -> str:
    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: str(values[m.group(1)]), pattern)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\-", "-")
    return "/" + path


def argument_names(pattern: str) -> list[str]:
    named_groups = re.findall(r"\(\?P<(\w+)>", pattern)
    converters = re.findall(r"<(?:\w+:)?(\w+)>", re.sub(r"\(\?P<\w+>", "(", pattern))
    return named_groups + converters


def build_paths(entry: Entry, route_pattern: str, world) -> list[str]:
    """Concrete request paths for a route under an entry (explicit `paths`, real objects or dummies)."""
    if entry.paths:
        return [path.format(**world.ids) for path in entry.paths]
    names = argument_names(route_pattern)
    if isinstance(entry.args, dict):
        values = {name: world.ids[key] if isinstance(key, str) else key for name, key in entry.args.items()}
        missing = set(names) - set(values)
        assert not missing, f"{entry.id}: no example value for {sorted(missing)}"
        return [_fill(route_pattern, values)]
    # A group that is an alternation of words (e.g. the Django admin's app labels): its first word.
    groups = dict(re.findall(r"\(\?P<(\w+)>([\w|]+)\)", route_pattern))
    for dummy in _DUMMIES:
        values = {name: groups[name].split("|")[0] if name in groups else dummy for name in names}
        path = _fill(route_pattern, values)
        try:
            if _normal(resolve(path).route) == _normal(route_pattern):
                return [path]
        except Resolver404:
            continue
    raise AssertionError(f"{route_pattern}: cannot build an example path; give `paths` in the matrix")


def classify(response, path: str) -> str:
    status = response.status_code
    if status == 401:
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "hidden"
    if status == 405:
        return "method"
    if status >= 500:
        return f"error {status}"
    if status == 429:
        return "throttled"
    if 300 <= status < 400:
        location = urlsplit(response["Location"]).path
        if location in LOGIN_PATHS:
            return "login"
        # Wagtail's permission_denied(): back to the dashboard with an error message.
        if location == "/admin/" and path.startswith("/admin/") and path not in ("/admin/", *LOGIN_PATHS):
            return "deny"
    return "allow"


def satisfies(actual: str, expected: str) -> bool:
    if expected == "refused":
        return actual in ("login", "deny", "hidden")
    return actual == expected
