"""Wagtail wiring of the audit app: the read-only audit trail viewer (audit/viewsets.py)."""

from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_audit_trail_viewset():
    from audit.viewsets import AuditTrailViewSet

    return AuditTrailViewSet()
