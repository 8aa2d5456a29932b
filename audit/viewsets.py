"""The audit trail's place in the Wagtail admin (registered in audit/wagtail_hooks.py)."""

from django.urls import path
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from audit import admin_views


class AuditTrailMenuItem(MenuItem):
    """Shown only to those who may view the trail (the view checks again)."""

    def is_shown(self, request):
        return admin_views.user_can_view_audit_trail(request.user)


class AuditTrailViewSet(ViewSet):
    """/admin/audit-trail/: the list with its filters, and its CSV export (?export=csv)."""

    name = admin_views.URL_NAMESPACE
    url_prefix = "audit-trail"
    icon = "history"
    menu_label = "Audit trail"
    menu_name = "audit-trail"
    menu_order = 9000  # near the end, with the other administration items
    add_to_admin_menu = True
    menu_item_class = AuditTrailMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.AuditTrailView.as_view(), name="index"),
            path("results/", admin_views.AuditTrailView.as_view(results_only=True), name="index_results"),
        ]
