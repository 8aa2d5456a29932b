"""Proctored exams: integrity events, the one-session rule and the proctor's review.

Invariants kept:
- events are recorded only on an open proctored attempt; the browser may report only
  tab_hidden, window_blur, copy and paste, with small details; an attempt holds at most
  MAX_EVENTS_PER_ATTEMPT events, so a script cannot fill the table;
- every request of a proctored attempt is compared with the attempt's start: another session
  is refused (`exam_session_active`) and recorded as SECOND_SESSION, a new IP address or
  browser is recorded once per new value (not on every request);
- a review (approve / flag / invalidate) is for submitted proctored attempts only, by someone
  `permissions.can_proctor` allows, and is idempotent; an invalidated attempt stops counting
  (Attempt.objects.counted()) and the lesson's completion is re-evaluated, withdrawn if it no
  longer holds; approving it again makes it count again. The learner is emailed after commit.

What is stored is what a proctor needs, not more: no clipboard text, and a second session is
recorded by a digest of its key, never the key itself.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.exceptions import AssessmentError, AttemptClosed, ExamSessionActive
from assessments.models import Attempt, IntegrityEvent
from assessments.permissions import can_proctor
from audit.services import audit_record

logger = logging.getLogger(__name__)

Kind = IntegrityEvent.Kind
ReviewStatus = Attempt.ReviewStatus

# What the exam page may report; everything else is the server's to record.
CLIENT_EVENT_KINDS = (Kind.TAB_HIDDEN, Kind.WINDOW_BLUR, Kind.COPY, Kind.PASTE)
MAX_EVENTS_PER_ATTEMPT = 2000
MAX_DETAILS_BYTES = 1000
MAX_USER_AGENT = 500
MAX_REVIEW_NOTE = 5000

REVIEW_DECISIONS = {
    "approve": ReviewStatus.APPROVED,
    "flag": ReviewStatus.FLAGGED,
    "invalidate": ReviewStatus.INVALIDATED,
}
NOTE_REQUIRED = (ReviewStatus.FLAGGED, ReviewStatus.INVALIDATED)


class AttemptNotProctored(AssessmentError):
    status_code = 409
    default_code = "not_proctored"
    default_detail = "This attempt is not a proctored exam."


class ReviewNotFound(AssessmentError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such exam attempt to review."


class AttemptNotSubmitted(AssessmentError):
    status_code = 409
    default_code = "attempt_not_submitted"
    default_detail = "The learner has not submitted this exam yet."


def is_proctored(attempt: Attempt) -> bool:
    """Set once at start from the quiz's setting, so a later change of the quiz does not matter."""
    return attempt.review_status != ReviewStatus.NOT_PROCTORED


def session_digest(session_key: str) -> str:
    """Names a session in the timeline without storing its key (a credential)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:12] if session_key else ""


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def _events_full(attempt: Attempt) -> bool:
    count = IntegrityEvent.objects.filter(attempt_id=attempt.pk).count()
    if count == MAX_EVENTS_PER_ATTEMPT:
        logger.warning("integrity events capped", extra={"attempt": attempt.pk, "cap": MAX_EVENTS_PER_ATTEMPT})
    return count >= MAX_EVENTS_PER_ATTEMPT


# --- the session rule and changes of address or browser ---------------------------------------


def attempt_session_check(*, attempt: Attempt, session_key: str, ip: str | None, user_agent: str) -> None:
    """Run on every request of an open proctored attempt (page, save, submit, events).

    Another session than the one that started the exam: SECOND_SESSION is recorded (once per
    session) and ExamSessionActive raised. A new IP address or browser: IP_CHANGED /
    USER_AGENT_CHANGED, once per new value. No query when nothing changed; a few when
    something did (the attempt row is locked so two requests do not record the same change).

    Call it outside the caller's transaction: an exception raised inside an atomic block
    would roll the SECOND_SESSION event back with it.
    """
    if not (is_proctored(attempt) and attempt.is_open):
        return
    ip = _clean_ip(ip)
    user_agent = (user_agent or "")[:MAX_USER_AGENT]
    if attempt.session_key and session_key != attempt.session_key:
        second_session_record(attempt, session_key=session_key, ip=ip, user_agent=user_agent)
        raise ExamSessionActive()
    ip_changed = ip is not None and attempt.start_ip is not None and ip != _clean_ip(attempt.start_ip)
    agent_changed = user_agent != attempt.start_user_agent
    if ip_changed or agent_changed:
        _changes_record(attempt, ip=ip if ip_changed else None, user_agent=user_agent if agent_changed else None)


@transaction.atomic
def second_session_record(attempt: Attempt, *, session_key: str, ip: str | None, user_agent: str) -> None:
    """Record SECOND_SESSION once per refused session (named by a digest, not its key)."""
    digest = session_digest(session_key)
    Attempt.objects.select_for_update().filter(pk=attempt.pk).values_list("pk").get()
    recorded = IntegrityEvent.objects.filter(attempt_id=attempt.pk, kind=Kind.SECOND_SESSION, details__session=digest)
    if recorded.exists() or _events_full(attempt):
        return
    IntegrityEvent.objects.create(
        attempt_id=attempt.pk, kind=Kind.SECOND_SESSION, ip=ip, user_agent=user_agent, details={"session": digest}
    )
    logger.info("exam second session refused", extra={"attempt": attempt.pk})


@transaction.atomic
def _changes_record(attempt: Attempt, *, ip: str | None, user_agent: str | None) -> None:
    Attempt.objects.select_for_update().filter(pk=attempt.pk).values_list("pk").get()
    seen = set(
        IntegrityEvent.objects.filter(
            attempt_id=attempt.pk, kind__in=(Kind.IP_CHANGED, Kind.USER_AGENT_CHANGED)
        ).values_list("kind", "ip", "user_agent")
    )
    seen_ips = {row_ip for kind, row_ip, _ in seen if kind == Kind.IP_CHANGED}
    seen_agents = {row_agent for kind, _, row_agent in seen if kind == Kind.USER_AGENT_CHANGED}
    events = []
    if ip is not None and ip not in seen_ips:
        events.append(
            IntegrityEvent(
                attempt_id=attempt.pk,
                kind=Kind.IP_CHANGED,
                ip=ip,
                user_agent=user_agent or attempt.start_user_agent,
                details={"from": attempt.start_ip},
            )
        )
    if user_agent is not None and user_agent not in seen_agents:
        events.append(
            IntegrityEvent(
                attempt_id=attempt.pk,
                kind=Kind.USER_AGENT_CHANGED,
                ip=ip or _clean_ip(attempt.start_ip),
                user_agent=user_agent,
                details={"from": attempt.start_user_agent},
            )
        )
    if events and not _events_full(attempt):
        IntegrityEvent.objects.bulk_create(events)


# --- events the exam page reports ----------------------------------------------------------------


def _clean_details(details) -> dict:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise ValidationError({"details": "Send details as an object."})
    try:
        size = len(json.dumps(details, allow_nan=False, separators=(",", ":")).encode())
    except (TypeError, ValueError) as error:
        raise ValidationError({"details": "Details must be plain JSON."}) from error
    if size > MAX_DETAILS_BYTES:
        raise ValidationError({"details": f"Details are too large ({MAX_DETAILS_BYTES} bytes at most)."})
    return details


def integrity_event_record(
    *,
    attempt: Attempt,
    kind: str,
    ip: str | None,
    user_agent: str,
    details: dict | None = None,
    session_key: str = "",
) -> IntegrityEvent | None:
    """Record what the exam page reports (tab hidden, window blur, copy, paste).

    The caller has looked the attempt up through the signed-in learner. Runs the session
    check first (another session is refused and recorded). Returns None, recording nothing,
    once the attempt holds MAX_EVENTS_PER_ATTEMPT events.
    """
    if kind not in CLIENT_EVENT_KINDS:
        raise ValidationError({"kind": f"Report one of: {', '.join(CLIENT_EVENT_KINDS)}."})
    details = _clean_details(details)
    if not is_proctored(attempt):
        raise AttemptNotProctored()
    if not attempt.is_open:
        raise AttemptClosed()
    if attempt.is_past_deadline(timezone.now() - services.DEADLINE_GRACE):
        services.attempt_close_if_expired(attempt=attempt)
        raise AttemptClosed()
    attempt_session_check(attempt=attempt, session_key=session_key, ip=ip, user_agent=user_agent)
    if _events_full(attempt):
        return None
    return IntegrityEvent.objects.create(
        attempt_id=attempt.pk,
        kind=kind,
        ip=_clean_ip(ip),
        user_agent=(user_agent or "")[:MAX_USER_AGENT],
        details=details,
    )


# --- the proctor's review ----------------------------------------------------------------------


def attempt_review(*, attempt: Attempt, by, decision: str, note: str = "") -> Attempt:
    """Approve, flag (note required) or invalidate (note required) a submitted proctored attempt.

    Idempotent: the same decision again changes nothing (a new note replaces the old one).
    Invalidating takes the attempt out of completion (withdrawn when nothing else passes);
    approving or flagging an invalidated attempt makes it count again. The learner sees the
    status and note on the attempt and is emailed when the attempt is invalidated or reinstated.
    """
    status = REVIEW_DECISIONS.get(decision)
    if status is None:
        raise ValidationError({"decision": f"Choose one of: {', '.join(REVIEW_DECISIONS)}."})
    note = (note or "").strip()
    if status in NOTE_REQUIRED and not note:
        raise ValidationError({"note": "Write a note: the learner sees it with the decision."})
    if len(note) > MAX_REVIEW_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_REVIEW_NOTE} characters."})

    with transaction.atomic():
        services.enrollment_lock_for_attempt(attempt)  # the lock order of every attempt write
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz", "enrollment", "lesson")
            .get(pk=attempt.pk)
        )
        if not can_proctor(by, attempt):
            raise ReviewNotFound()
        if attempt.is_open:
            raise AttemptNotSubmitted()
        previous = attempt.review_status
        if previous == status and attempt.review_note == note:
            return attempt
        attempt.review_status = status
        attempt.review_note = note
        attempt.reviewed_by = by
        attempt.reviewed_at = timezone.now()
        attempt.save(update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at"])
        logger.info(
            "exam attempt reviewed",
            extra={"attempt": attempt.pk, "by": by.pk, "decision": decision, "previous": previous},
        )
        if status == ReviewStatus.INVALIDATED and previous != ReviewStatus.INVALIDATED:
            services.lesson_completion_update(
                enrollment=attempt.enrollment,
                lesson=attempt.lesson,
                reason=f"Your exam “{attempt.quiz.title}” was invalidated by the proctor.",
                allow_withdraw=True,
            )
            _learner_notify(attempt, reinstated=False)
        elif previous == ReviewStatus.INVALIDATED and status != ReviewStatus.INVALIDATED:
            services.lesson_completion_update(enrollment=attempt.enrollment, lesson=attempt.lesson)
            _learner_notify(attempt, reinstated=True)
        # The note is free text about a person: the trail keeps only that there is one.
        audit_record(
            f"proctor.review.{decision}",
            actor=by,
            target=attempt,
            details={"previous": previous, "status": status, "note": bool(note)},
        )
    return attempt


def _learner_notify(attempt: Attempt, *, reinstated: bool) -> None:
    attempt_id = attempt.pk
    # robust: a mail server that is down must not turn a saved review into an error page.
    transaction.on_commit(lambda: review_email_send(attempt_id=attempt_id, reinstated=reinstated), robust=True)


def review_email_send(*, attempt_id: int, reinstated: bool) -> None:
    """Tell the learner their exam attempt was invalidated, or counts again."""
    attempt = Attempt.objects.select_related("user", "quiz").get(pk=attempt_id)
    context = {
        "attempt": attempt,
        "learner": attempt.user,
        "quiz": attempt.quiz,
        "reinstated": reinstated,
        "attempt_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("assessments:attempt", args=(attempt.pk,)),
    }
    subject = render_to_string("assessments/email/exam_review_subject.txt", context).strip()
    body = render_to_string("assessments/email/exam_review.txt", context)
    send_mail(subject, body, None, [attempt.user.email])
