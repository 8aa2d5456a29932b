from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export_request, name="export_request"),
    path("export/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("erasure/", views.erasure_request, name="erasure_request"),
    path("erasure/cancel/", views.erasure_cancel, name="erasure_cancel"),
]
