import logging

from lms_site.request_context import current_request_id


class RequestIDFilter(logging.Filter):
    """Stamp each log record with the id of the request (or task) that produced it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
