"""Learner pages for quizzes and exams: thin views over assessments.services.

Every attempt lookup is filtered by the signed-in user, so another learner's attempt is not
found (404). Domain errors become a message with their own text and a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessments import services
from assessments.client import exam_client
from assessments.exceptions import AssessmentError, QuizNotFound
from assessments.models import Attempt, Quiz
from assessments.presentation import answers_from_form, learner_questions, learner_results


def _lesson_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("lesson") or request.POST.get("lesson") or ""
    return int(raw) if raw.isdigit() else None


def _own_attempt_or_404(request: HttpRequest, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "lesson", "enrollment"), pk=attempt_id, user=request.user
    )


def _session_check(request: HttpRequest, attempt: Attempt) -> None:
    """Proctored exams run in the session that started them (proctoring records the rest)."""
    if attempt.quiz.proctored and attempt.is_open:
        from assessments.proctoring import attempt_session_check

        attempt_session_check(attempt=attempt, **exam_client(request))


@login_required
@require_GET
def quiz_detail(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=quiz_id)
    placement, enrollment = services.placement_for_learner(user=request.user, quiz=quiz, lesson_id=_lesson_id(request))
    if placement is None:
        raise Http404("No such quiz in your courses.")
    attempts = list(Attempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number"))
    for attempt in attempts:
        if attempt.is_open and attempt.is_past_deadline():
            services.attempt_close_if_expired(attempt=attempt)
            attempt.refresh_from_db()
    open_attempt = next((a for a in attempts if a.is_open), None)
    allowed = quiz.attempts_allowed
    counted = services.quiz_counted_attempt(enrollment=enrollment, quiz=quiz)
    can_start = open_attempt is None and quiz.is_open() and (allowed is None or len(attempts) < allowed)
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "lesson": placement.lesson,
            "course": placement.course,
            "attempts": attempts,
            "open_attempt": open_attempt,
            "attempts_allowed": allowed,
            "attempts_left": None if allowed is None else max(0, allowed - len(attempts)),
            "counted_attempt": counted,
            "can_start": can_start,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def attempt_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=quiz_id)
    lesson_id = _lesson_id(request)
    try:
        attempt, created = services.attempt_start(
            user=request.user,
            quiz=quiz,
            lesson_id=lesson_id,
            integrity_accepted=request.POST.get("integrity_accepted") == "on",
            **exam_client(request),
        )
    except QuizNotFound as error:
        raise Http404(str(error.detail)) from error
    except AssessmentError as error:
        messages.error(request, str(error.detail))
        back = reverse("assessments:quiz", args=[quiz.pk])
        return redirect(f"{back}?lesson={lesson_id}" if lesson_id else back)
    if not created:
        messages.info(request, "You have an attempt in progress: here it is.")
    return redirect("assessments:attempt", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = services.attempt_close_if_expired(attempt=_own_attempt_or_404(request, attempt_id))
    if attempt.is_open:
        try:
            _session_check(request, attempt)
        except AssessmentError as error:
            return render(request, "assessments/exam_refused.html", {"attempt": attempt, "error": error}, status=409)
        remaining = None
        if attempt.deadline:
            remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        return render(
            request,
            "assessments/attempt.html",
            {"attempt": attempt, "quiz": attempt.quiz, "questions": learner_questions(attempt), "remaining": remaining},
        )
    reveal = services.attempt_answers_visible(attempt)
    return render(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": learner_results(attempt, reveal=reveal),
            "reveal": reveal,
        },
    )


def _error_json(error: Exception, status: int) -> JsonResponse:
    if isinstance(error, ValidationError):
        errors = [
            {"code": "invalid", "message": message, "field": field}
            for field, messages_ in error.message_dict.items()
            for message in messages_
        ]
    else:
        errors = [{"code": error.get_codes(), "message": str(error.detail), "field": None}]
    return JsonResponse({"status": "error", "errors": errors}, status=status)


@login_required
@require_POST
def attempt_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Autosave from the attempt page (the form's fields, sent by static/js/quiz.js)."""
    attempt = _own_attempt_or_404(request, attempt_id)
    try:
        _session_check(request, attempt)
        attempt = services.attempt_save(attempt=attempt, answers=answers_from_form(attempt.questions, request.POST))
    except ValidationError as error:
        return _error_json(error, 400)
    except AssessmentError as error:
        return _error_json(error, error.status_code)
    return JsonResponse({"status": "success", "data": {"saved_at": attempt.answers_saved_at.isoformat()}})


@login_required
@require_POST
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt_or_404(request, attempt_id)
    try:
        _session_check(request, attempt)
        answers = answers_from_form(attempt.questions, request.POST) if attempt.is_open else None
        attempt = services.attempt_submit(attempt=attempt, answers=answers)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    except AssessmentError as error:
        messages.error(request, str(error.detail))
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    if attempt.auto_submitted:
        messages.warning(request, "Time was up: your attempt was graded with the answers saved before the deadline.")
    return redirect("assessments:attempt", attempt_id=attempt.pk)
