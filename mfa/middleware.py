"""The second factor cannot be skipped: a signed-in user who has not passed it reaches nothing else.

Runs after django-otp's OTPMiddleware (which sets `request.user.is_verified()`), for every
surface served from the session: site pages, the Wagtail admin (/admin/), the Django admin
(/django-admin/) and session-authenticated API calls (/api/). Two cases:

- The user has a confirmed device but this session has not passed it: only the verify
  page and logout are reachable; pages redirect to the verify page (with `?next=`), the
  API answers 401 `mfa_required`.
- MFA is mandatory for the user (a staff role, Django staff or superuser) and they have
  no authenticator app: only the enrollment pages and logout are reachable; pages redirect
  to the security page, the API answers 403 `mfa_enrollment_required`.

Static and media files, health checks and the JWT endpoints (which ask for the code
themselves) are always let through. JWT-authenticated API calls carry no session user
here; a JWT is only issued after the second factor.
"""

from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from mfa.selectors import mfa_device_cache_key, mfa_state

# URL names (namespace:name) reachable in each state.
VERIFY_ALLOWED = frozenset({"mfa:verify"})
ENROLL_ALLOWED = frozenset({"mfa:overview", "mfa:totp-add", "mfa:backup-codes", "mfa:verify"})
LOGOUT_NAMES = frozenset({"account_logout", "wagtailadmin_logout", "admin:logout"})
CACHED_DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")
ALWAYS_ALLOWED = frozenset(
    {"health-live", "health-ready", "api-v1:token-obtain", "api-v1:token-refresh", "api-v1:logout"}
)


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _is_file_path(path: str) -> bool:
    prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
    return any(prefix and prefix.startswith("/") and path.startswith(prefix) for prefix in prefixes)


def _api_error(request, *, status: int, code: str, message: str) -> JsonResponse:
    # The API's own envelope (lms_site.rest.renderers); built here because no DRF view runs.
    from lms_site.rest.renderers import envelope_meta

    body = {"status": "error", "errors": [{"code": code, "message": message, "field": None}]}
    body["meta"] = envelope_meta(request)
    return JsonResponse(body, status=status)


def _redirect(request, url_name: str) -> HttpResponseRedirect:
    url = reverse(url_name)
    if request.method in ("GET", "HEAD"):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(url)


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_file_path(request.path):
            return self.get_response(request)

        verified = user.is_verified()
        state = mfa_state(user)
        if verified and not state.enrollment_needed:
            return self.get_response(request)
        if not verified and not state.has_device and not state.required:
            return self.get_response(request)  # a learner without MFA

        name = _url_name(request.path_info)
        if name in ALWAYS_ALLOWED or (name in LOGOUT_NAMES and request.method == "POST"):
            return self.get_response(request)

        if not verified and state.has_device:
            if name in VERIFY_ALLOWED:
                return self.get_response(request)
            if request.path.startswith("/api/"):
                return _api_error(
                    request,
                    status=401,
                    code="mfa_required",
                    message="Two-factor authentication is required: verify this session with a code.",
                )
            return _redirect(request, "mfa:verify")

        # Mandatory MFA and no authenticator app yet (verified or not: a session verified with a
        # backup code alone is sent to set an app up as well).
        if name in ENROLL_ALLOWED:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return _api_error(
                request,
                status=403,
                code="mfa_enrollment_required",
                message="Two-factor authentication is required for your role: set up an authenticator app first.",
            )
        return _redirect(request, "mfa:overview")


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's OTPMiddleware (sets `request.user.otp_device` / `is_verified()` from the
    session), with the session's device read through the cache instead of one query per request.

    The cached device serves only to say which confirmed device verified the session; it is
    dropped whenever the device is saved or deleted (mfa.signals), and codes are always checked
    against the database row (mfa.services.mfa_code_verify locks it).
    """

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        key = mfa_device_cache_key(persistent_id)
        cached = cache.get(key)
        if cached is not None:
            # Only the identity is cached (never the secret): the other fields stay deferred and
            # load from the database if anything reads them.
            model_label, values = cached
            return apps.get_model(model_label).from_db("default", list(CACHED_DEVICE_FIELDS), values)
        device = super()._device_from_persistent_id(persistent_id)
        if device is not None:
            values = [getattr(device, name) for name in CACHED_DEVICE_FIELDS]
            cache.set(key, (device.model_label(), values), timeout=settings.MFA_STATE_CACHE_TIMEOUT)
        return device
