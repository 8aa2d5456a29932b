"""The security page (enroll an authenticator app, backup codes, remove a device) and the verify step."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mfa import services
from mfa.forms import CodeForm, DeviceRemoveForm, TotpConfirmForm
from mfa.selectors import backup_codes_left, mfa_state, totp_devices_for


def _next_url(request) -> str:
    """`?next=` (or the form's `next`) when it points at this site, else the default landing page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _given_next(request) -> str:
    """The safe `next` the user arrived with, or "" when there is none."""
    if not (request.POST.get("next") or request.GET.get("next")):
        return ""
    url = _next_url(request)
    return "" if url == settings.LOGIN_REDIRECT_URL else url


def _redirect_keeping_next(request, url_name: str):
    response = redirect(url_name)
    next_url = _given_next(request)
    if next_url:
        response["Location"] += "?" + urlencode({"next": next_url})
    return response


def _no_store(response):
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def overview(request):
    user = request.user
    state = mfa_state(user)
    devices = list(totp_devices_for(user))
    context = {
        "state": state,
        "devices": devices,
        "backup_codes_left": backup_codes_left(user) if devices else 0,
        "can_remove": bool(devices) and not (state.required and len(devices) <= 1),
        "next": _given_next(request),
    }
    return _no_store(render(request, "mfa/overview.html", context))


def _qr_svg(uri: str) -> str:
    # segno draws the otpauth:// URI as modules (paths); no user text reaches the markup.
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title="QR code for your authenticator app"
    )
    return mark_safe(svg)  # noqa: S308  # nosemgrep - generated SVG, no user-controlled markup


@login_required
@require_http_methods(["GET", "POST"])
def totp_add(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    device = services.totp_device_start(user=user)
    form = TotpConfirmForm(initial={"device": device.pk})
    if request.method == "POST":
        form = TotpConfirmForm(request.POST)
        if form.is_valid():
            try:
                confirmed = services.totp_device_confirm(
                    user=user, device_id=form.cleaned_data["device"], code=form.cleaned_data["code"], request=request
                )
            except services.MFAError as exc:
                messages.error(request, exc.message)
                return redirect("mfa:totp-add")
            if confirmed is not None:
                # A code from the new app proves the second factor for this session too.
                services.mfa_session_verify(request=request, device=confirmed)
                messages.success(
                    request, "Your authenticator app is set up. Generate backup codes now, and keep them safe."
                )
                return _redirect_keeping_next(request, "mfa:overview")
            form.add_error("code", "That code is not valid. Check the time on your phone and try again.")
        device = services.totp_device_start(user=user)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "device": device,
        "qr_svg": _qr_svg(device.config_url),
        "secret": secret,
        "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "state": mfa_state(user),
        "next": _given_next(request),
    }
    return _no_store(render(request, "mfa/totp_add.html", context))


@login_required
@require_POST
def backup_codes(request):
    """Generate (or regenerate) the backup codes; they are shown on this response only."""
    try:
        codes = services.backup_codes_generate(user=request.user, request=request)
    except services.MFAError as exc:
        messages.error(request, exc.message)
        return redirect("mfa:overview")
    return _no_store(render(request, "mfa/backup_codes.html", {"codes": codes}))


@login_required
@require_POST
def device_remove(request):
    form = DeviceRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a current code to remove the authenticator app.")
        return redirect("mfa:overview")
    try:
        services.totp_device_remove(
            user=request.user, device_id=form.cleaned_data["device"], code=form.cleaned_data["code"], request=request
        )
    except services.MFAError as exc:
        messages.error(request, exc.message)
        return redirect("mfa:overview")
    services.mfa_session_device_keep(request=request)
    messages.success(request, "The authenticator app was removed.")
    return redirect("mfa:overview")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the authenticator app or a backup code."""
    user = request.user
    state = mfa_state(user)
    if not state.has_device:
        return redirect("mfa:overview")
    if user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm()
    status = 200
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            lockout = _lockout_response(request, user)
            if lockout is not None:
                return lockout
            result = services.mfa_code_verify(user=user, code=form.cleaned_data["code"])
            if result.ok:
                services.mfa_session_verify(request=request, device=result.device)
                return redirect(_next_url(request))
            services.mfa_failure_record(
                user=user, request=request, reason="throttled" if result.throttled else "invalid_code"
            )
            form.add_error(
                "code",
                "Too many wrong codes: wait a few seconds and try again."
                if result.throttled
                else "That code is not valid (a code works only once).",
            )
            status = 400
    context = {"form": form, "next": _next_url(request)}
    return _no_store(render(request, "mfa/verify.html", context, status=status))


def _lockout_response(request, user):
    """django-axes' lockout answer when the account (or address) is locked out, else None."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_lockout_response

    credentials = {"username": user.email}
    if getattr(settings, "AXES_ENABLED", True) and AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    return None
