from rest_framework.throttling import AnonRateThrottle


class AuthRateThrottle(AnonRateThrottle):
    """Per-IP limit on the token endpoints (scope `auth`), on top of the defaults."""

    scope = "auth"
