from audit.context import current_request


class AuditContextMiddleware:
    """Make the current request (after authentication) known to `audit_record`, so an event
    recorded by a signal handler or a service still gets its actor, IP, user agent and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
