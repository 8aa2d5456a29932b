"""Login throttling and lockout on every login path, with django-axes.

Every path that checks a password or a second factor goes through `django.contrib.auth.authenticate`
(site login, `/api/v1/auth/token/`, the Wagtail and Django admin logins) or sends
`user_login_failed` itself (OTP entry, with `credentials={"username": email}`). axes counts each
failure against the attempted account, whatever the path, so failures on two paths add up.

Two limits apply at once (SECURITY.md):
- per account: learners 5 failures, staff 3, within a window (5 and 15 minutes) after the last
  failure. An address nobody has gets the learner profile, so a lockout never tells whether an
  account exists (staff accounts lock sooner by design: that difference is the profile).
- per client address: `LOGIN_IP_FAILURE_LIMIT` failures (any accounts) within
  `LOGIN_IP_WINDOW_MINUTES`.

axes compares all its lockout parameters with one limit, so records are kept per account
(`AXES_LOCKOUT_PARAMETERS = ["username"]`, each row also holds the address) and
`LoginLockoutHandler` adds the per-address limit. A locked-out request gets `lockout_response`:
a page saying how long to wait, or under /api/ a 429 envelope with code `locked_out` and
`Retry-After`.

Password-reset requests are limited with the same profiles by `reset_request_throttle` (a
separate counter: asking for a reset never locks the login, and a lockout never blocks a reset).
"""

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from accounts.sessions import is_staff_user
from audit.services import audit_record
from lms_site.client_ip import client_ip
from lms_site.rest.renderers import envelope_meta

API_PREFIX = "/api/"


@dataclass(frozen=True)
class LockoutProfile:
    name: str
    failure_limit: int
    window: timedelta


def learner_profile() -> LockoutProfile:
    return LockoutProfile(
        "learner", settings.LOGIN_LEARNER_FAILURE_LIMIT, timedelta(minutes=settings.LOGIN_LEARNER_WINDOW_MINUTES)
    )


def staff_profile() -> LockoutProfile:
    return LockoutProfile(
        "staff", settings.LOGIN_STAFF_FAILURE_LIMIT, timedelta(minutes=settings.LOGIN_STAFF_WINDOW_MINUTES)
    )


def address_profile() -> LockoutProfile:
    return LockoutProfile(
        "address", settings.LOGIN_IP_FAILURE_LIMIT, timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    )


def longest_window() -> timedelta:
    return max(learner_profile().window, staff_profile().window, address_profile().window)


def normalize_account(value) -> str | None:
    """The attempted login as axes stores it: the email, stripped and lower-cased."""
    if not value or not isinstance(value, str):
        return None
    return value.strip().lower()[:255] or None


def attempted_account(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the email a request tried, whichever key its path used.

    allauth and simplejwt pass `email`, the admin logins and the OTP step pass `username`.
    """
    for key in ("email", "username", "login"):
        value = (credentials or {}).get(key)
        if value:
            return normalize_account(value)
    if credentials is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        for key in ("email", "username", "login"):
            value = data.get(key) if hasattr(data, "get") else None
            if value:
                return normalize_account(value)
    return None


def account_profile(account: str | None) -> LockoutProfile:
    """The profile of the attempted account: staff for a staff member, else learner (also unknown)."""
    if account:
        user = User.objects.filter(email__iexact=account).first()
        if user is not None and is_staff_user(user):
            return staff_profile()
    return learner_profile()


def request_profile(request, credentials: dict | None = None) -> LockoutProfile:
    """The attempted account's profile, looked up once per request."""
    account = get_client_username(request, credentials) if request is not None else attempted_account(None, credentials)
    cache_attr = "_lockout_profiles"
    profiles = getattr(request, cache_attr, None) if request is not None else None
    if profiles is None:
        profiles = {}
        if request is not None:
            setattr(request, cache_attr, profiles)
    if account not in profiles:
        profiles[account] = account_profile(account)
    if request is not None:
        request.lockout_profile = profiles[account]
    return profiles[account]


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: the attempted account's limit."""
    return request_profile(request, credentials).failure_limit


def cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: the attempted account's window (axes asks with the request only)."""
    profile = getattr(request, "lockout_profile", None)
    return profile.window if profile is not None else learner_profile().window


def _failures_since(queryset, since) -> tuple[int, object]:
    row = queryset.filter(attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return row["total"] or 0, row["last"]


@dataclass(frozen=True)
class LockoutState:
    """Why a request is refused and until when (None: it is not)."""

    reason: str | None
    until: object = None

    @property
    def locked(self) -> bool:
        return self.reason is not None

    def seconds_left(self) -> int:
        if self.until is None:
            return 0
        return max(0, math.ceil((self.until - timezone.now()).total_seconds()))


def lockout_state(
    *, account: str | None, ip_address: str | None, profile: LockoutProfile | None = None
) -> LockoutState:
    """Whether this account or this address is locked out now, and until when."""
    now = timezone.now()
    longest_until = None
    reason = None
    if account:
        profile = profile or account_profile(account)
        count, last = _failures_since(AccessAttempt.objects.filter(username=account), now - profile.window)
        if count >= profile.failure_limit:
            reason, longest_until = "account", last + profile.window
    if ip_address:
        ip_profile = address_profile()
        count, last = _failures_since(AccessAttempt.objects.filter(ip_address=ip_address), now - ip_profile.window)
        if count >= ip_profile.failure_limit:
            until = last + ip_profile.window
            if longest_until is None or until > longest_until:
                reason, longest_until = "address", until
    return LockoutState(reason, longest_until)


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with per-account profiles and a per-address limit on top."""

    def get_failures(self, request, credentials=None) -> int:
        profile = request_profile(request, credentials)
        account = get_client_username(request, credentials)
        if not account:
            return 0
        count, _ = _failures_since(
            AccessAttempt.objects.filter(username=account), request.axes_attempt_time - profile.window
        )
        return count

    def is_locked(self, request, credentials=None) -> bool:
        return self._state(request, credentials).locked

    def _state(self, request, credentials=None) -> LockoutState:
        profile = request_profile(request, credentials)
        return lockout_state(
            account=get_client_username(request, credentials), ip_address=request.axes_ip_address, profile=profile
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return
        request_profile(request, credentials)
        already_locked = getattr(request, "axes_locked_out", False)
        # A try during a lockout is refused, not a new lockout (audit.signals may tell them apart).
        request.lockout_was_locked = already_locked
        super().user_login_failed(sender, credentials, request, **kwargs)
        if not request.axes_locked_out and self._state(request, credentials).locked:
            # The per-address limit (axes itself only counted the account).
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
        if request.axes_locked_out and not already_locked:
            request.lockout_state = self._state(request, credentials)
        # DRF wraps the request: the middleware that answers a lockout sees only the inner one.
        inner = getattr(request, "_request", None)
        if inner is not None and request.axes_locked_out:
            inner.axes_locked_out = True
            inner.axes_credentials = credentials
            inner.lockout_profile = getattr(request, "lockout_profile", None)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        # axes would delete with the current request's window; other accounts have longer ones.
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - longest_window()).delete()
        return count


# --- What a locked-out client sees --------------------------------------------------------


def wait_minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: how long to wait, as a page or (under /api/) the 429 envelope.

    The same for an unknown address as for a learner: nothing says whether the account exists.
    """
    account = attempted_account(request, credentials)
    state = lockout_state(account=account, ip_address=client_ip(request))
    seconds = state.seconds_left() or int(cool_off(request).total_seconds())
    minutes = wait_minutes(seconds)
    message = f"Too many failed sign-in attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    if request.path_info.startswith(API_PREFIX):
        body = {
            "status": "error",
            "errors": [{"code": "locked_out", "message": message, "field": None}],
            "meta": envelope_meta(request),
        }
        response = JsonResponse(body, status=429)
    else:
        response = render(
            request,
            "account/lockout.html",
            {"wait_minutes": minutes, "wait_seconds": seconds, "message": message},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


# --- Administrators: locked accounts and addresses, unlock ----------------------------------


@dataclass(frozen=True)
class LockedEntry:
    kind: str  # "account" or "address"
    value: str
    failures: int
    until: object
    user: User | None = None


def lockouts_current() -> list[LockedEntry]:
    """Accounts and addresses locked out right now (for the administrators' unlock page)."""
    now = timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - longest_window())
    entries: list[LockedEntry] = []
    accounts = recent.exclude(username__isnull=True).values_list("username", flat=True).distinct()
    users = {user.email: user for user in User.objects.filter(email__in=list(accounts))}
    for account in sorted(set(accounts)):
        profile = staff_profile() if account in users and is_staff_user(users[account]) else learner_profile()
        count, last = _failures_since(recent.filter(username=account), now - profile.window)
        if count >= profile.failure_limit:
            entries.append(LockedEntry("account", account, count, last + profile.window, users.get(account)))
    ip_profile = address_profile()
    addresses = recent.exclude(ip_address__isnull=True).values_list("ip_address", flat=True).distinct()
    for address in sorted(set(addresses)):
        count, last = _failures_since(recent.filter(ip_address=address), now - ip_profile.window)
        if count >= ip_profile.failure_limit:
            entries.append(LockedEntry("address", address, count, last + ip_profile.window))
    return entries


def lockout_unlock(*, actor, kind: str, value: str, request: HttpRequest | None = None) -> int:
    """Clear the failures of one account or one address; recorded in the audit trail."""
    if kind == "account":
        account = normalize_account(value)
        count = axes_reset(username=account)
        reset_request_clear(account=account)
        target = User.objects.filter(email__iexact=account).first()
        audit_record("auth.lockout.unlock", actor=actor, target=target, request=request, details={"kind": "account"})
    elif kind == "address":
        count = axes_reset(ip=value)
        audit_record("auth.lockout.unlock", actor=actor, request=request, details={"kind": "address", "ip": value})
    else:
        raise ValueError(f"Unknown lockout kind: {kind!r}")
    return count


# --- Password-reset requests: the same profiles, their own counters ---------------------------


def _reset_key(kind: str, value: str) -> str:
    return f"pwreset-throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _consume(key: str, profile: LockoutProfile, now: float) -> int:
    """Record one hit in a sliding window; the seconds to wait when the limit is already reached."""
    window = profile.window.total_seconds()
    history = [stamp for stamp in cache.get(key, []) if stamp > now - window]
    if len(history) >= profile.failure_limit:
        return math.ceil(min(history) + window - now)
    history.append(now)
    cache.set(key, history, timeout=math.ceil(window))
    return 0


def reset_request_throttle(request, email: str) -> int:
    """Count one password-reset request for `email` from this client.

    Returns 0 when it may go ahead, else the seconds to wait. The account's profile decides the
    per-address limit (learner for an unknown address, like the login), plus the per-client limit.
    """
    account = normalize_account(email) or ""
    now = time.time()
    wait = _consume(_reset_key("ip", get_client_ip_address(request) or "unknown"), address_profile(), now)
    if wait:
        return wait
    return _consume(_reset_key("account", account), account_profile(account), now)


def reset_request_clear(*, account: str) -> None:
    cache.delete(_reset_key("account", normalize_account(account) or ""))
