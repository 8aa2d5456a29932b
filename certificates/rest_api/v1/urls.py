"""certificates API routes (v1), under /api/v1/."""

from django.urls import path

from certificates.rest_api.v1 import views

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/verify/<str:code>/", views.CertificateVerifyView.as_view(), name="certificate-verify"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("certificates/<int:pk>/recertify/", views.CertificateRecertifyView.as_view(), name="certificate-recertify"),
]
