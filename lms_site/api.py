"""Version 1 of the REST API: each app contributes its routes from `<app>/rest_api/v1/urls.py`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lms_site.rest.auth_views import LogoutView, TokenObtainView, TokenRefreshRotatingView

app_name = "api-v1"

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", TokenRefreshRotatingView.as_view(), name="token-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("", include("accounts.rest_api.v1.urls")),
    path("", include("profiles.rest_api.v1.urls")),
    path("", include("courses.rest_api.v1.urls")),
    path("", include("learning.rest_api.v1.urls")),
    path("", include("assessments.rest_api.v1.urls")),
    path("", include("certificates.rest_api.v1.urls")),
    path("", include("privacy.rest_api.v1.urls")),
]
