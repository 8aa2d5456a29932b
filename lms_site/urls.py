from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from lms_site import health
from lms_site.wagtail_api import api_router

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document URL names, served only to users allowed to see a lesson using the file.
    path("documents/", include("learning.media_urls")),
    # Account pages of our own (before allauth's, which share the prefix).
    path("accounts/security/", include("mfa.urls")),
    path("accounts/profile/", include("profiles.urls")),
    path("accounts/privacy/", include("privacy.urls")),
    path("accounts/consent/", include("profiles.consent_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", include("lms_site.api")),
    path("api/v2/", api_router.urls),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("certificates/", include("certificates.urls")),
    path("", include("assessments.urls")),
    path("", include("learning.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only image renditions are public (as in nginx); documents go through learning.media.
    urlpatterns += static(settings.MEDIA_URL + "images/", document_root=settings.MEDIA_ROOT / "images")

urlpatterns += [path("", include(wagtail_urls))]

# Generic error pages, and the API's JSON envelope for errors under /api/ (lms_site/errors.py).
handler400 = "lms_site.errors.bad_request"
handler403 = "lms_site.errors.permission_denied"
handler404 = "lms_site.errors.page_not_found"
handler500 = "lms_site.errors.server_error"
