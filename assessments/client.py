"""Who is taking an exam: the session, IP address and browser of a request, read one way for
the site, the API and the integrity beacons (the session check compares these values with the
ones the attempt started with)."""

from django.http import HttpRequest

from lms_site.client_ip import client_ip

MAX_USER_AGENT = 500
EXAM_SESSION_HEADER = "HTTP_X_EXAM_SESSION"


def exam_client(request: HttpRequest) -> dict:
    """session_key: the browser session for the site (and session-authenticated API calls);
    for token clients, the device id they send in `X-Exam-Session` (a JWT rotates every few
    minutes, so it cannot stand for the device)."""
    auth = getattr(request, "auth", None)
    if auth is None:
        session = getattr(request, "session", None)
        session_key = ""
        if session is not None:
            if not session.session_key:
                session.save()
            session_key = session.session_key or ""
    else:
        device = request.META.get(EXAM_SESSION_HEADER, "").strip()
        session_key = f"device:{device}"[:64] if device else ""
    return {
        "session_key": session_key,
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT],
    }
