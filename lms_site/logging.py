import logging

from lms_site.request_context import current_request_id


class RequestIDFilter(logging.Filter):
    """Stamp each log record with the id of the request (or task) that produced it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id == "-":
            # Django logs 4xx responses ("Not Found: …", "Unauthorized: …") after the middleware
            # has returned, so the context is gone; the record carries the request itself.
            request_id = getattr(getattr(record, "request", None), "request_id", request_id)
        record.request_id = request_id
        return True
