from django.urls import path

from mfa import views

app_name = "mfa"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify, name="verify"),
    path("authenticator/", views.totp_add, name="totp-add"),
    path("authenticator/remove/", views.device_remove, name="device-remove"),
    path("backup-codes/", views.backup_codes, name="backup-codes"),
]
