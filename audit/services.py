"""Recording security events. PLACEHOLDER: the audit workstream replaces the body.

Contract every other app codes against:

    audit_record(action, *, actor=None, target=None, request=None, details=None) -> AuditEvent | None

- action: dotted string, e.g. "auth.login.success", "mfa.device.enroll", "grade.regrade".
- actor: the User acting (None = system / anonymous); target: any model instance or None.
- request: the HttpRequest when there is one (IP, user agent, request id come from it).
- details: JSON-serialisable dict; never secrets (passwords, tokens, OTP codes).
"""


def audit_record(action, *, actor=None, target=None, request=None, details=None):
    return None
