"""Sending one matrix request as a role, inside a savepoint that is rolled back, and measuring
which tables it wrote to (PostgreSQL's per-transaction counters, pg_stat_xact_user_tables)."""

import json
from dataclasses import dataclass

from django.db import connection, transaction

from tests.security.matrix import classify, load_matrix


class _Rollback(Exception):
    pass


@dataclass
class Sent:
    role: str
    method: str
    path: str
    status: int
    outcome: str
    written: dict  # table -> (inserted, updated, deleted)
    location: str = ""
    body: bytes = b""
    allow: str = ""

    def describe(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        return f"{self.role:<16} {self.method:<6} {self.path} = {self.status}{where} ({self.outcome})"


def table_counters() -> dict[str, tuple[int, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables")
        return {name: (ins, upd, dele) for name, ins, upd, dele in cursor.fetchall()}


def tables_written(before: dict, after: dict) -> dict:
    written = {}
    for name, counters in after.items():
        previous = before.get(name, (0, 0, 0))
        delta = tuple(now - then for now, then in zip(counters, previous, strict=True))
        if any(delta):
            written[name] = delta
    return written


def always_allowed_writes() -> set[str]:
    data, _ = load_matrix()
    return set(data.get("writes_allowed_on_any_request", ()))


def send(client, role: str, method: str, path: str, *, data=None, api: bool, query: str = "", headers=None) -> Sent:
    """Send the request in a savepoint that is rolled back afterwards (the world stays as built)."""
    url = f"{path}?{query}" if query else path
    kwargs = dict(headers or {})
    if method != "GET":
        if api:
            kwargs.update(data=json.dumps(data or {}), content_type="application/json")
        else:
            kwargs.update(data=data or {})
    result = {}
    try:
        with transaction.atomic():
            before = table_counters()
            response = getattr(client, method.lower())(url, **kwargs)
            result["written"] = tables_written(before, table_counters())
            result["response"] = response
            raise _Rollback
    except _Rollback:
        pass
    response = result["response"]
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    return Sent(
        role=role,
        method=method,
        path=url,
        status=response.status_code,
        outcome=classify(response, path),
        written=result["written"],
        location=location,
        body=b"" if getattr(response, "streaming", False) else response.content[:4000],
        allow=response.get("Allow", ""),
    )
