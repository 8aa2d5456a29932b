"""The request being served, for audit rows written where no request is passed (signal
handlers, services): set by AuditContextMiddleware."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)
