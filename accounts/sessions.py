"""Session lifetime: an idle timeout per role and an absolute limit, checked on every request.

At login (`user_logged_in`, which Django sends after it has given the session a new key) the
session records when it started and how long it may sit idle: SESSION_IDLE_TIMEOUT_STAFF for
the staff roles and superusers, SESSION_IDLE_TIMEOUT_LEARNER for everyone else. The middleware
ends a session that was idle too long or is older than SESSION_ABSOLUTE_TIMEOUT. The last
activity is written back at most once a minute, so a busy page does not write its session on
every request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

from accounts import roles

STARTED_KEY = "_lms_session_started"
LAST_SEEN_KEY = "_lms_session_last_seen"
IDLE_KEY = "_lms_session_idle_limit"
# The last activity is stored again only when it is at least this old (seconds).
TOUCH_INTERVAL = 60


def is_staff_user(user) -> bool:
    """Staff for session and password rules: a staff role, Django staff or a superuser."""
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=roles.STAFF_ROLES).exists()


def idle_limit_for(user) -> int:
    return settings.SESSION_IDLE_TIMEOUT_STAFF if is_staff_user(user) else settings.SESSION_IDLE_TIMEOUT_LEARNER


def session_start(session, user, *, now: int | None = None) -> None:
    now = int(time.time()) if now is None else now
    session[STARTED_KEY] = now
    session[LAST_SEEN_KEY] = now
    session[IDLE_KEY] = idle_limit_for(user)


@receiver(user_logged_in, dispatch_uid="accounts.sessions.start")
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session, user)


def session_expired_reason(session, *, now: int) -> str | None:
    """ "idle" or "absolute" when the session must end, None while it may go on."""
    started = session.get(STARTED_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    idle_limit = session.get(IDLE_KEY)
    if started is None or last_seen is None or idle_limit is None:
        # A session without the markers was not started through login(): end it.
        return "absolute"
    if now - started >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - last_seen >= idle_limit:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """End idle or too-old sessions; keep the last-activity time current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            reason = session_expired_reason(session, now=now)
            if reason is not None:
                logout(request)
                return self._signed_out(request, reason)
            if now - session[LAST_SEEN_KEY] >= TOUCH_INTERVAL:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _signed_out(self, request, reason):
        # Pages send the person to sign in again; API calls go on as anonymous and get the
        # API's own 401/403 from the view.
        if request.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        text = (
            "You were signed out after a period of inactivity."
            if reason == "idle"
            else "Your session reached its time limit. Please sign in again."
        )
        messages.info(request, text)
        return redirect_to_login(request.get_full_path(), _login_url_for(request.path))


def _login_url_for(path: str) -> str:
    if path.startswith("/admin/"):
        return "wagtailadmin_login"
    if path.startswith("/django-admin/"):
        return "admin:login"
    return settings.LOGIN_URL
