"""Wagtail wiring of certificates: the Certificates admin area (list, inspect, revoke, reissue)
and the certificate template snippet."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certificates import admin_views
from certificates.models import Certificate, CertificateTemplate

register_permission_policy(Certificate, admin_views.CertificatePermissionPolicy(Certificate))


class CertificateViewSet(ModelViewSet):
    """/admin/certificates/: every certificate, filterable by course and status, with inspect,
    revoke and reissue. No add, edit or delete: certificates change only through services."""

    model = Certificate
    name = admin_views.URL_NAMESPACE
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = "Certificates"
    menu_order = 160
    add_to_admin_menu = True
    copy_view_enabled = False
    # Wagtail builds add/edit forms for every model viewset; the permission policy grants
    # neither, so this empty form is never shown.
    form_fields: list[str] = []
    inspect_view_enabled = True
    inspect_view_class = admin_views.CertificateInspectView
    filterset_class = admin_views.CertificateFilterSet
    search_fields = ["learner_name", "course_title", "code"]
    search_backend_name = None  # plain ORM search over the snapshot columns
    list_display = [
        "course_title",
        "learner_name",
        DateColumn("completed_at", label="Completed"),
        DateColumn("issued_at", label="Issued"),
        DateColumn("expires_at", label="Expires"),
        StatusTagColumn("status", label="Status", accessor="get_status_display", primary=lambda c: c.status == "valid"),
        Column("run", label="Run"),
    ]
    inspect_view_fields = [
        "code",
        "status",
        "learner_name",
        "course_title",
        "course",
        "user",
        "run",
        "hours",
        "completed_at",
        "issued_at",
        "expires_at",
        "instructors",
        "competencies",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "replaces",
        "reminded_at",
        "pdf_rendered_at",
    ]

    def get_queryset(self, request):
        return Certificate.objects.select_related("course")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", admin_views.CertificateRevokeView.as_view(), name="revoke"),
            path("reissue/<int:pk>/", admin_views.CertificateReissueView.as_view(), name="reissue"),
        ]


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet()


class CertificateTemplateViewSet(SnippetViewSet):
    """Certificate templates (Snippets): one per course at most, plus the default."""

    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = "Certificate templates"
    list_display = ["name", "course", "heading"]


register_snippet(CertificateTemplateViewSet)
