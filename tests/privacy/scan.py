"""Looking for planted values everywhere they could hide: every column of every table, every
file under MEDIA_ROOT and the export storage (inside zip archives too), every Redis key and
value of the test cache database, and the Wagtail search index."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.db import connection
from django_redis import get_redis_connection

from privacy.storage import export_root


def database_hits(needle: str) -> list[str]:
    """table.column of every row holding `needle` (case-insensitive), in any column type."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, column_name"
        )
        columns = cursor.fetchall()
        hits = []
        for table, column, data_type in columns:
            quoted = f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(column)}"
            if data_type == "bytea":
                condition = f"position(convert_to(%s, 'UTF8') in {quoted}) > 0"
                param = needle
            else:
                condition = f"{quoted}::text ILIKE %s"
                param = f"%{needle}%"
            cursor.execute(
                f"SELECT count(*) FROM {connection.ops.quote_name(table)} WHERE {condition}",  # noqa: S608 - names from the catalogue
                [param],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def _bytes_hits(label: str, content: bytes, needle: bytes) -> list[str]:
    hits = [label] if needle.lower() in content.lower() else []
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for member in archive.namelist():
                    if needle.lower() in member.lower().encode():
                        hits.append(f"{label}!{member} (name)")
                    hits += _bytes_hits(f"{label}!{member}", archive.read(member), needle)
        except zipfile.BadZipFile:
            pass
    return hits


def file_hits(needle: str, *roots: Path) -> list[str]:
    """Files whose path or content (zip members included) holds `needle`."""
    raw = needle.encode()
    hits = []
    for root in roots:
        if not Path(root).exists():
            continue
        for path in Path(root).rglob("*"):
            if needle.lower() in str(path.relative_to(root)).lower():
                hits.append(f"{path} (name)")
            if path.is_file():
                hits += _bytes_hits(str(path), path.read_bytes(), raw)
    return hits


def redis_hits(needle: str) -> list[str]:
    """Keys of the cache's Redis database whose name or value holds `needle`."""
    redis = get_redis_connection("default")
    raw = needle.encode().lower()
    hits = []
    for key in redis.scan_iter(count=500):
        kind = redis.type(key)
        if kind == b"string":
            values = [redis.get(key) or b""]
        elif kind == b"hash":
            values = [part for pair in redis.hgetall(key).items() for part in pair]
        elif kind == b"list":
            values = redis.lrange(key, 0, -1)
        elif kind == b"set":
            values = list(redis.smembers(key))
        elif kind == b"zset":
            values = [member for member, _ in redis.zrange(key, 0, -1, withscores=True)]
        else:
            values = []
        if raw in key.lower() or any(raw in value.lower() for value in values):
            hits.append(key.decode("utf-8", "replace"))
    return hits


def search_index_hits(needle: str) -> list[str]:
    from wagtail.search.models import IndexEntry

    return [
        f"index entry {entry.pk}"
        for entry in IndexEntry.objects.all()
        if needle.lower() in f"{entry.title} {entry.autocomplete} {entry.body}".lower()
    ]


def everywhere(needle: str, media_root: Path) -> dict[str, list[str]]:
    found = {
        "database": database_hits(needle),
        "files": file_hits(needle, Path(media_root), export_root()),
        "redis": redis_hits(needle),
        "search index": search_index_hits(needle),
    }
    return {where: hits for where, hits in found.items() if hits}
