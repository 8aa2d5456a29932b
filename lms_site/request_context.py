"""The current request id, carried through logs and into Celery tasks."""

import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

# Accept a caller's id only when it is short and plain, so it is safe in logs and headers.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id_from_header(value: str | None) -> str:
    if value and _VALID_ID.match(value):
        return value
    return uuid.uuid4().hex
