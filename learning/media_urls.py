"""Wagtail's document URLs with the file view replaced by learning.media.document_serve.

The URL names stay Wagtail's: `document.url`, the admin and the API reverse `wagtaildocs_serve`.
"""

from django.urls import path, re_path
from wagtail.documents.views.serve import authenticate_with_password

from learning.media import document_serve

urlpatterns = [
    re_path(r"^(?P<document_id>\d+)/(?P<document_filename>.*)$", document_serve, name="wagtaildocs_serve"),
    # Wagtail's password form for collections with a password view restriction.
    path(
        "authenticate_with_password/<int:restriction_id>/",
        authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
]
