"""Certificate pages, mounted at /certificates/."""

from django.urls import path, re_path

from certificates import views

app_name = "certificates"

# Verification codes are secrets.token_urlsafe() output: letters, digits, - and _.
CODE_PATTERN = r"(?P<code>[A-Za-z0-9_-]{16,64})"

urlpatterns = [
    re_path(rf"^verify/{CODE_PATTERN}/$", views.certificate_verify, name="verify"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:pk>/recertify/", views.certificate_recertify, name="recertify"),
]
