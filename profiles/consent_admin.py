"""Versions of the terms of service and privacy policy in the Wagtail admin (/admin/legal-documents/).

Administrators (who hold the model permissions, profiles migration 0002) publish a new version;
its effective date decides when people are asked to accept it. Imported by profiles/wagtail_hooks.py.
"""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from profiles.consent_models import LegalDocument


class LegalDocumentViewSet(ModelViewSet):
    model = LegalDocument
    icon = "doc-full"
    menu_label = "Terms and privacy"
    add_to_settings_menu = True
    url_prefix = "legal-documents"
    name = "legal_documents"
    list_display = ["__str__", "title", DateColumn("effective_at", label="In force from")]
    list_filter = ["kind"]
    panels = [
        FieldPanel("kind"),
        FieldPanel("version"),
        FieldPanel("title"),
        FieldPanel("effective_at"),
        FieldPanel("body"),
        FieldPanel("url"),
    ]


@hooks.register("register_admin_viewset")
def register_legal_document_viewset():
    return LegalDocumentViewSet()
