#!/usr/bin/env python3
"""Helpers for scripts/bench.sh (`make bench`). Standard library, plus psycopg and redis from the venv.

    bench_report.py url-db URL NAME          URL with its path (database name / Redis db) replaced
    bench_report.py db-create URL NAME       create database NAME on URL's server
    bench_report.py db-drop URL NAME         drop it (with force); no error when it is gone
    bench_report.py redis-flush URL          FLUSHDB on URL's Redis database
    bench_report.py prepare BASE OUT         discover the URLs from the API, sign in, write targets
    bench_report.py table RESULTS RECYCLED   print the results table; exit 1 on any non-2xx or error

`prepare` reads the course list and one course's outline from /api/v1/, signs the demo
student in through the site's login form (CSRF cookie and token, then the session cookie)
and obtains one JWT from /api/v1/auth/token/ (throttled to 10/min, so only once). It writes
one target per line, tab-separated: label, path, then the HTTP headers wrk sends.

`table` reads the lines `label<TAB>kind<TAB>BENCH-RESULT key=value ...` (kind: `load` or
`single`, the one-connection run) that the wrk Lua script in bench.sh printed, and prints
requests/s, p50/p90/p99 latency, the one-connection p50 and the non-2xx responses.
RECYCLED is the number of gunicorn workers that were recycled (max_requests) during the runs:
a recycling gthread worker closes its kept-alive connections, and a request already sent on one
gets no answer (a read error for wrk). When workers were recycled, read errors are reported as
such and do not fail the run; every other error does.
"""

import http.client
import json
import re
import sys
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit, urlunsplit

STUDENT_EMAIL = "student@wchi.example"
DEMO_PASSWORD = "wchi-demo-password"  # noqa: S105 - the published demo password (seed_demo)
PREFERRED_COURSE = "Linux for Security"
# nginx terminates TLS in production and sends this; the settings trust it (SECURE_PROXY_SSL_HEADER).
FORWARDED = {"X-Forwarded-Proto": "https"}


def die(message: str) -> None:
    print(f"bench: error: {message}", file=sys.stderr)
    sys.exit(1)


# --- databases ------------------------------------------------------------------------------


def url_with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{path}"))


def _admin_connect(url: str):
    import psycopg

    # The server's maintenance database; the bench database itself may not exist yet.
    return psycopg.connect(url_with_path(url, "postgres"), autocommit=True, connect_timeout=5)


def db_create(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connect(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def db_drop(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connect(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=5).flushdb()


# --- HTTP -----------------------------------------------------------------------------------


class Client:
    """Plain HTTP/1.1 to the bench server; cookies handled by hand (they are marked Secure)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.hostname}:{parts.port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, headers=None, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        all_headers = dict(FORWARDED)
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, response.headers, data

    def get_json(self, path: str, *, headers=None):
        status, _, data = self.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        if status != 200:
            die(f"GET {path} answered {status}: {data[:300]!r}")
        payload = json.loads(data)
        return payload.get("data", payload) if isinstance(payload, dict) else payload


class _FormInputs(HTMLParser):
    """The <input> names and values of the login form."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attrs = dict(attrs)
            if attrs.get("name"):
                self.inputs[attrs["name"]] = attrs.get("value") or ""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def prepare(base: str, out: str) -> None:
    anon = Client(base)

    # 1. URLs from the API, not hard-coded: a course and the first preview lesson of its outline.
    courses = anon.get_json("/api/v1/courses/?page_size=100")
    if not courses:
        die("GET /api/v1/courses/ lists no course: did seed_demo run?")
    ordered = sorted(courses, key=lambda c: c["title"] != PREFERRED_COURSE)
    course = lesson = None
    for candidate in ordered:
        detail = anon.get_json(f"/api/v1/courses/{candidate['id']}/")
        previews = [
            item for module in detail.get("outline", []) for item in module.get("lessons", []) if item.get("is_preview")
        ]
        if previews:
            course, lesson = detail, previews[0]
            break
    if lesson is None:
        die("no course has a preview lesson in its outline")
    print(f"bench: course {course['title']!r} (id {course['id']}), lesson {lesson['title']!r}", file=sys.stderr)

    # 2. Sign the learner in through the site: the login page sets the CSRF cookie and token.
    learner = Client(base)
    status, _, page = learner.request("GET", "/accounts/login/")
    if status != 200:
        die(f"GET /accounts/login/ answered {status}")
    form = _FormInputs()
    form.feed(page.decode("utf-8", "replace"))
    token = form.inputs.get("csrfmiddlewaretoken")
    if not token or "csrftoken" not in learner.cookies:
        die("the login page has no CSRF token or cookie")
    login_field = "login" if "login" in form.inputs else "email"
    status, headers, page = learner.request(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            # Django checks Origin (and Referer) on secure requests.
            "Origin": learner.origin,
            "Referer": f"{learner.origin}/accounts/login/",
        },
        body=urlencode({"csrfmiddlewaretoken": token, login_field: STUDENT_EMAIL, "password": DEMO_PASSWORD}),
    )
    if status not in (301, 302, 303) or "sessionid" not in learner.cookies:
        snippet = re.sub(r"\s+", " ", page.decode("utf-8", "replace"))
        errors = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>([^<]{1,200})', snippet)
        die(f"signing in as {STUDENT_EMAIL} failed (status {status}; {errors or 'no session cookie'})")
    me = learner.get_json("/api/v1/me/")
    if me.get("email") != STUDENT_EMAIL:
        die(f"/api/v1/me/ with the session cookie is {me!r}, not {STUDENT_EMAIL}")
    cookie = f"Cookie: sessionid={learner.cookies['sessionid']}; csrftoken={learner.cookies['csrftoken']}"

    # 3. One JWT (the token endpoint allows 10/min per IP).
    status, _, data = anon.request(
        "POST",
        "/api/v1/auth/token/",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=json.dumps({"email": STUDENT_EMAIL, "password": DEMO_PASSWORD}),
    )
    if status != 200:
        die(f"POST /api/v1/auth/token/ answered {status}: {data[:300]!r}")
    payload = json.loads(data)
    access = payload.get("data", payload).get("access")
    if not access:
        die("the token response has no access token")
    bearer = f"Authorization: Bearer {access}"

    lesson_path, course_path = _path(lesson["url"]), _path(course["url"])
    targets = [
        ("lesson, anonymous", lesson_path, []),
        ("lesson, learner", lesson_path, [cookie]),
        ("course, learner", course_path, [cookie]),
        ("catalog /courses/, anonymous", "/courses/", []),
        ("API course list, JWT", "/api/v1/courses/", [bearer]),
        ("API course detail, JWT", f"/api/v1/courses/{course['id']}/", [bearer]),
    ]
    with open(out, "w", encoding="utf-8") as handle:
        for label, path, headers in targets:
            handle.write("\t".join([label, path, *headers]) + "\n")


# --- results --------------------------------------------------------------------------------


def _load(raw: str) -> dict:
    f = dict(part.split("=", 1) for part in raw.split()[1:] if "=" in part)
    statuses = {int(code): int(n) for code, n in (pair.split(":") for pair in f.pop("statuses", "").split(",") if pair)}
    result = {key: int(value) for key, value in f.items()}
    result["statuses"] = statuses
    result["non_2xx"] = sum(n for code, n in statuses.items() if not 200 <= code < 300)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return result


def _ms(microseconds: int) -> str:
    return f"{microseconds / 1000:.1f}"


def table(results: str, recycled: str = "0") -> int:
    runs: dict[str, dict[str, dict]] = {}
    with open(results, encoding="utf-8") as handle:
        for line in handle:
            label, kind, raw = line.rstrip("\n").split("\t", 2)
            runs.setdefault(label, {})[kind] = _load(raw)

    rows, problems, dropped = [], [], []
    for label, kinds in runs.items():
        load, single = kinds["load"], kinds.get("single")
        rows.append(
            (
                label,
                f"{load['requests'] / max(load['duration_us'] / 1e6, 1e-6):.1f}",
                _ms(load["p50_us"]),
                _ms(load["p90_us"]),
                _ms(load["p99_us"]),
                _ms(single["p50_us"]) if single and single["requests"] else "-",
                str(sum(run["non_2xx"] for run in kinds.values())),
                str(sum(run["errors"] for run in kinds.values())),
            )
        )
        for kind, run in kinds.items():
            what = f"{label} ({'1 connection' if kind == 'single' else 'under load'})"
            if not run["requests"]:
                problems.append(f"{what}: no request completed")
            if run["non_2xx"]:
                other = ", ".join(
                    f"{n} x {code}" for code, n in sorted(run["statuses"].items()) if not 200 <= code < 300
                )
                problems.append(f"{what}: {run['non_2xx']} of {run['requests']} responses were not 2xx ({other})")
            errors = {k: run[k] for k in ("connect", "read", "write", "timeout") if run[k]}
            if int(recycled) > 0 and "read" in errors:
                dropped.append(f"{what}: {errors.pop('read')}")
            if errors:
                kinds_of = ", ".join(f"{n} {k}" for k, n in errors.items())
                problems.append(f"{what}: {sum(errors.values())} socket errors ({kinds_of})")

    header = ("target", "req/s", "p50 ms", "p90 ms", "p99 ms", "1-conn p50", "non-2xx", "errors")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if i == 0:
            print("  ".join("-" * width for width in widths))
    print()
    print("req/s and p50/p90/p99: the loaded run. 1-conn p50: one request at a time (no queueing).")
    print("non-2xx: responses other than 2xx in both runs (wrk's own count misses 3xx); errors: socket errors.")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if dropped:
        print(f"Requests dropped by the {recycled} worker recycling(s) (read errors, not failing the run):")
        for line in dropped:
            print(f"  {line}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    commands = {
        "url-db": (2, lambda a: print(url_with_path(*a))),
        "db-create": (2, lambda a: db_create(*a)),
        "db-drop": (2, lambda a: db_drop(*a)),
        "redis-flush": (1, lambda a: redis_flush(*a)),
        "prepare": (2, lambda a: prepare(*a)),
        "table": (2, lambda a: table(*a)),
    }
    if len(argv) < 1 or argv[0] not in commands or len(argv) - 1 != commands[argv[0]][0]:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]][1](argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
