"""privacy API routes (v1), under /api/v1/."""

from django.urls import path

from privacy.rest_api.v1 import views

urlpatterns = [
    path("me/export/", views.ExportView.as_view(), name="me-export"),
    path("me/export/<uuid:export_id>/download/", views.ExportDownloadView.as_view(), name="me-export-download"),
    path("me/erasure/", views.ErasureView.as_view(), name="me-erasure"),
]
