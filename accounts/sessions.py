class SessionTimeoutMiddleware:
    """PLACEHOLDER: the sessions workstream replaces this (idle and absolute timeouts per role)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
