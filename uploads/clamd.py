"""A small client of the ClamAV daemon (clamd): INSTREAM over a unix socket or TCP.

Three answers, and only one of them lets a file out: CLEAN. A daemon that is down, refuses the
stream (too long for its StreamMaxLength), answers anything unexpected or takes longer than the
timeout gives UNAVAILABLE, and the caller holds the file (fail closed).

Protocol (clamd(8)): `zINSTREAM\\0`, then chunks each prefixed by its length as a 4-byte
big-endian integer, then a zero length; the reply is `stream: OK`, `stream: <name> FOUND` or
`<message> ERROR`, terminated by NUL.
"""

from __future__ import annotations

import enum
import logging
import socket
import struct
import time
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
_MAX_REPLY = 4096


class ScanStatus(enum.StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    signature: str = ""  # the malware's name when INFECTED
    detail: str = ""  # why UNAVAILABLE (for logs and the record, never shown to uploaders)


class _Unavailable(Exception):
    pass


def clamd_scan(file, *, timeout: float | None = None) -> ScanResult:
    """Stream `file` (from its start) to clamd and return its verdict. Never raises for scanner trouble."""
    timeout = settings.CLAMD_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    try:
        with _connect(timeout) as conn:
            conn.sendall(b"zINSTREAM\0")
            file.seek(0)
            try:
                while chunk := file.read(CHUNK_SIZE):
                    _check_deadline(deadline)
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd closes early when the stream is over its limit: its reply says so
            reply = _read_reply(conn, deadline)
    except (_Unavailable, OSError) as exc:
        logger.warning("Virus scanner unavailable: %s", exc or type(exc).__name__)
        return ScanResult(ScanStatus.UNAVAILABLE, detail=str(exc) or type(exc).__name__)
    finally:
        file.seek(0)
    return _parse_reply(reply)


def clamd_ping(*, timeout: float = 3) -> bool:
    """Whether clamd answers PING with PONG."""
    try:
        with _connect(timeout) as conn:
            conn.sendall(b"zPING\0")
            return _read_reply(conn, time.monotonic() + timeout) == "PONG"
    except (_Unavailable, OSError):
        return False


def _connect(timeout: float) -> socket.socket:
    connect_timeout = min(settings.CLAMD_CONNECT_TIMEOUT, timeout)
    if settings.CLAMD_HOST:
        conn = socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=connect_timeout)
    else:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(connect_timeout)
        try:
            conn.connect(settings.CLAMD_SOCKET)
        except OSError:
            conn.close()
            raise
    conn.settimeout(timeout)
    return conn


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _Unavailable("scan took longer than the timeout")


def _read_reply(conn: socket.socket, deadline: float) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        _check_deadline(deadline)
        try:
            part = conn.recv(_MAX_REPLY)
        except TimeoutError:
            raise _Unavailable("no answer within the timeout") from None
        if not part:
            break
        reply += part
        if len(reply) > _MAX_REPLY:
            raise _Unavailable("reply too long")
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _parse_reply(reply: str) -> ScanResult:
    if reply == "stream: OK":
        return ScanResult(ScanStatus.CLEAN)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanResult(ScanStatus.INFECTED, signature=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    logger.warning("Virus scanner answered %r", reply)
    return ScanResult(ScanStatus.UNAVAILABLE, detail=reply or "no answer")
