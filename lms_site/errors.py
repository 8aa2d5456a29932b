"""Error responses when Django (not DRF) answers: the URL resolver's 404, an uncaught exception's
500, a failed CSRF check, a refused Host header.

Pages get the generic templates (templates/400.html, 403.html, 403_csrf.html, 404.html,
500.html): no exception text, no stack trace, no settings, whatever DEBUG says about the
rest. Under /api/ the answer is the API's JSON envelope instead, so a client never has to parse
an HTML error page.
"""

from django.http import JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from lms_site.rest.renderers import envelope_meta

API_PREFIX = "/api/"

_MESSAGES = {
    400: ("bad_request", "The request cannot be processed."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    500: ("server_error", "A server error occurred."),
}


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(request, status: int, *, code: str | None = None, message: str | None = None) -> JsonResponse:
    """The API envelope of an error, built without DRF (which may be what failed)."""
    default_code, default_message = _MESSAGES[status]
    body = {
        "status": "error",
        "errors": [{"code": code or default_code, "message": message or default_message, "field": None}],
        "meta": envelope_meta(request),
    }
    return JsonResponse(body, status=status)


def bad_request(request, exception):
    if _is_api(request):
        return api_error(request, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return api_error(request, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return api_error(request, 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return api_error(request, 500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: templates/403_csrf.html for pages (Django logs the reason; the page never shows it)."""
    if _is_api(request):
        return api_error(request, 403, code="csrf_failed", message="CSRF verification failed.")
    return django_csrf_failure(request, reason=reason)
