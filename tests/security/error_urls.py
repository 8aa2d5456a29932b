"""The site's URLs plus views that fail on purpose, for tests/security/test_error_pages.py.

Every failure carries SECRET in its exception text: the answer must never show it.
"""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from lms_site.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the same error views
from lms_site.urls import urlpatterns as site_urlpatterns

SECRET = "secret-exception-detail-7f3a"


def boom(request):
    raise RuntimeError(SECRET)


def forbidden(request):
    raise PermissionDenied(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


def form(request):
    """A plain Django view: CsrfViewMiddleware guards its POST."""
    return HttpResponse("accepted")


class ApiBoom(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError(SECRET)


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/form/", form),
    path("api/test-errors/boom/", boom),
    path("api/test-errors/forbidden/", forbidden),
    path("api/test-errors/suspicious/", suspicious),
    path("api/test-errors/form/", form),
    path("api/test-errors/drf-boom/", ApiBoom.as_view()),
    *site_urlpatterns,
]
