"""Every write on assessment state. Transactions and invariants live here and nowhere else.

Invariants kept:
- an attempt pins the quiz revision and the questions it drew; grading reads only those;
- one open attempt per learner, quiz and course run; starting twice resumes the open one;
- the server owns the clock: answers after the deadline are refused, and an attempt past its
  deadline is submitted with what was saved (on the next touch, or by the periodic sweep);
- submit is atomic and idempotent (the attempt row is locked): one graded attempt, whatever
  the number of clicks or retries;
- a passed quiz or a captured lab is reported to learning as lesson completion, once every
  assessment of that lesson that counts is done; invalidation or a regrade that turns a pass
  into a fail takes that completion back.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import grading
from assessments.exceptions import (
    AttemptClosed,
    AttemptLimitReached,
    ExamSessionActive,
    IntegrityStatementRequired,
    QuizNotFound,
    QuizUnavailable,
)
from assessments.models import AssessmentPlacement, Attempt, IntegrityEvent, LabCompletion, Quiz
from assessments.questions import question_with_fixed_key, questions_draw, quiz_items_plain, quiz_questions_by_id
from audit.services import audit_record
from courses.models import CoursePage, LessonPage
from courses.selectors import COURSE_DEPTH
from learning import services as learning_services
from learning.models import Enrollment, LessonProgress

logger = logging.getLogger(__name__)

# An attempt's answers, serialized: essays of 20,000 characters fit several times over.
MAX_ANSWERS_BYTES = 200_000

# Requests in flight when the clock runs out still count: a save that arrives this late is accepted.
DEADLINE_GRACE = timedelta(seconds=2)


# --- placements ------------------------------------------------------------------------------


def placements_sync(*, lesson: LessonPage) -> list[AssessmentPlacement]:
    """Rebuild the lesson's placements from its live body (on publish); none when not live."""
    AssessmentPlacement.objects.filter(lesson=lesson).delete()
    if not lesson.live:
        return []
    course = CoursePage.objects.ancestor_of(lesson).filter(depth=COURSE_DEPTH).first()
    if course is None:
        return []
    rows = []
    for position, block in enumerate(lesson.body):
        if block.block_type == "quiz" and block.value is not None:
            rows.append(AssessmentPlacement(lesson=lesson, course=course, quiz=block.value, position=position))
        elif block.block_type == "lab" and block.value is not None:
            rows.append(AssessmentPlacement(lesson=lesson, course=course, lab=block.value, position=position))
    return AssessmentPlacement.objects.bulk_create(rows)


def placement_for_learner(*, user, quiz=None, lab=None, lesson_id: int | None = None):
    """(placement, enrollment) where this learner meets the quiz or lab: a live lesson of a
    course they are enrolled in (active or completed). The given lesson when there is one."""
    placements = (
        AssessmentPlacement.objects.filter(quiz=quiz)
        if quiz is not None
        else AssessmentPlacement.objects.filter(lab=lab)
    )
    if lesson_id is not None:
        placements = placements.filter(lesson_id=lesson_id)
    placements = list(placements.select_related("lesson", "course").order_by("-course_id", "position"))
    if not placements:
        return None, None
    enrollments = {
        e.course_id: e
        for e in Enrollment.objects.current().filter(user=user, course_id__in={p.course_id for p in placements})
    }
    for placement in placements:
        if placement.course_id in enrollments:
            return placement, enrollments[placement.course_id]
    return None, None


# --- lesson completion -----------------------------------------------------------------------


def quiz_counted_attempt(*, enrollment: Enrollment, quiz: Quiz) -> Attempt | None:
    """The attempt whose score counts, by the quiz's policy (highest or latest)."""
    attempts = Attempt.objects.counted().filter(enrollment=enrollment, quiz=quiz)
    if quiz.score_policy == Quiz.ScorePolicy.LATEST:
        return attempts.order_by("-submitted_at", "-id").first()
    return attempts.order_by("-percent", "-submitted_at", "-id").first()


def _quiz_passed(enrollment: Enrollment, quiz: Quiz) -> bool:
    """A pass, once earned (and not invalidated), stays earned for completion."""
    return Attempt.objects.counted().filter(enrollment=enrollment, quiz=quiz, passed=True).exists()


def lesson_assessments_done(*, enrollment: Enrollment, lesson: LessonPage) -> bool:
    for placement in AssessmentPlacement.objects.filter(lesson=lesson).select_related("quiz", "lab"):
        if placement.quiz_id:
            if placement.quiz.counts_toward_completion and not _quiz_passed(enrollment, placement.quiz):
                return False
        elif not LabCompletion.objects.filter(enrollment=enrollment, lab_id=placement.lab_id).exists():
            return False
    return True


def lesson_completion_update(
    *, enrollment: Enrollment, lesson: LessonPage, reason: str = "", allow_withdraw: bool = False
) -> None:
    """Report to learning where the lesson stands after an assessment changed.

    Completes the lesson when everything counting there is done. With allow_withdraw (an
    instructor or proctor decision), takes a completion back when it no longer holds.
    """
    lesson = LessonPage.objects.get(pk=lesson.pk)  # a fresh body: completes_by_assessment is cached per instance
    done = lesson_assessments_done(enrollment=enrollment, lesson=lesson)
    if done and enrollment.is_current:
        learning_services.lesson_complete(user=enrollment.user, lesson=lesson, by_assessment=True)
    elif not done and allow_withdraw:
        completed = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson, completed_at__isnull=False)
        if completed.exists():
            learning_services.lesson_completion_withdraw(enrollment=enrollment, lesson=lesson, reason=reason)


# --- attempts --------------------------------------------------------------------------------


def _attempt_deadline(quiz: Quiz, started_at):
    ends = []
    if quiz.time_limit_minutes:
        ends.append(started_at + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.available_until:
        ends.append(quiz.available_until)
    return min(ends) if ends else None


def attempt_start(
    *,
    user,
    quiz: Quiz,
    lesson_id: int | None = None,
    session_key: str = "",
    ip: str | None = None,
    user_agent: str = "",
    integrity_accepted: bool = False,
) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the open one. Returns (attempt, created).

    Pins the live revision and draws the questions (pools, shuffles) once. A proctored exam
    needs the integrity statement accepted and runs in one session only (a second session is
    refused, and the refusal is recorded for the proctor: it commits before the error).
    """
    with transaction.atomic():
        attempt, created, refusal = _attempt_start(
            user=user,
            quiz=quiz,
            lesson_id=lesson_id,
            session_key=session_key,
            ip=ip,
            user_agent=user_agent,
            integrity_accepted=integrity_accepted,
        )
    if refusal is not None:
        raise refusal
    return attempt, created


def _attempt_start(*, user, quiz, lesson_id, session_key, ip, user_agent, integrity_accepted):
    if not quiz.live:
        raise QuizNotFound()
    placement, enrollment = placement_for_learner(user=user, quiz=quiz, lesson_id=lesson_id)
    if placement is None:
        raise QuizNotFound()
    # The enrollment row serialises this learner's starts (and submits) across requests.
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    now = timezone.now()
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(enrollment=enrollment, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
        .first()
    )
    if open_attempt is not None:
        if open_attempt.is_past_deadline(now - DEADLINE_GRACE):
            _attempt_finish(open_attempt, auto=True)
        else:
            if quiz.proctored and open_attempt.session_key and session_key != open_attempt.session_key:
                from assessments.proctoring import second_session_record  # proctoring builds on services

                second_session_record(open_attempt, session_key=session_key, ip=ip, user_agent=user_agent[:500])
                return open_attempt, False, ExamSessionActive()
            return open_attempt, False, None
    if not quiz.is_open(now):
        raise QuizUnavailable()
    used = Attempt.objects.filter(enrollment=enrollment, quiz=quiz).count()
    allowed = quiz.attempts_allowed
    if allowed is not None and used >= allowed:
        raise AttemptLimitReached()
    if quiz.proctored and not integrity_accepted:
        raise IntegrityStatementRequired()
    revision = quiz.live_revision
    if revision is None:  # live without a published revision: nothing to pin, so nothing to take
        raise QuizNotFound()
    pinned = revision.as_object()
    questions = questions_draw(
        quiz_items_plain(pinned.questions),
        rng=random.SystemRandom(),  # learners cannot predict what the next attempt draws
        shuffle_questions=pinned.shuffle_questions,
        shuffle_choices=pinned.shuffle_choices,
    )
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        revision=revision,
        enrollment=enrollment,
        lesson=placement.lesson,
        number=used + 1,
        questions=questions,
        started_at=now,
        deadline=_attempt_deadline(quiz, now),
        session_key=session_key if quiz.proctored else "",
        integrity_accepted_at=now if quiz.proctored else None,
        start_ip=ip,
        start_user_agent=user_agent[:500],
        review_status=Attempt.ReviewStatus.PENDING if quiz.proctored else Attempt.ReviewStatus.NOT_PROCTORED,
    )
    if quiz.proctored:
        IntegrityEvent.objects.create(
            attempt=attempt, kind=IntegrityEvent.Kind.STARTED, ip=ip, user_agent=user_agent[:500]
        )
    logger.info("attempt started", extra={"attempt": attempt.pk, "quiz": quiz.pk, "number": attempt.number})
    return attempt, True, None


def _clean_answers(attempt: Attempt, answers) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": "Send answers as an object of question id to answer."})
    known = {question["id"] for question in attempt.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError({"answers": f"Unknown question ids: {', '.join(unknown[:5])}."})
    if len(json.dumps(answers, default=str)) > MAX_ANSWERS_BYTES:
        raise ValidationError({"answers": f"Too much data: answers take at most {MAX_ANSWERS_BYTES:,} bytes."})
    for question_id, response in answers.items():
        if isinstance(response, str) and len(response) > 20000:
            raise ValidationError({"answers": f"The answer to {question_id} is too long (20,000 characters at most)."})
    return answers


def enrollment_lock_for_attempt(attempt: Attempt) -> None:
    """Lock the attempt's enrollment row. Every path that locks an attempt takes this lock first
    (starting an attempt and completing a lesson lock the enrollment too), so two requests
    never hold the two rows in opposite orders (no deadlock between a start and a submit)."""
    enrollment_id = attempt.enrollment_id or Attempt.objects.values_list("enrollment_id", flat=True).get(pk=attempt.pk)
    list(Enrollment.objects.select_for_update().filter(pk=enrollment_id).values_list("pk", flat=True))


def _lock_attempt(attempt: Attempt) -> Attempt:
    enrollment_lock_for_attempt(attempt)
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def attempt_save(*, attempt: Attempt, answers: dict) -> Attempt:
    """Store answers as the learner goes (autosave). Refused once the attempt is closed; an
    attempt found past its deadline is submitted with what it had (committed, then refused)."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt)
        if not attempt.is_open:
            raise AttemptClosed()
        if not attempt.is_past_deadline(timezone.now() - DEADLINE_GRACE):
            answers = _clean_answers(attempt, answers)
            attempt.answers = {**attempt.answers, **answers}
            attempt.answers_saved_at = timezone.now()
            attempt.save(update_fields=["answers", "answers_saved_at"])
            return attempt
        _attempt_finish(attempt, auto=True)
    raise AttemptClosed("Time is up: your attempt was submitted with the answers saved before the deadline.")


def attempt_submit(*, attempt: Attempt, answers: dict | None = None) -> Attempt:
    """Submit and grade. Idempotent: a second submit returns the graded attempt unchanged.

    Answers sent with the submit are stored first, unless the deadline has passed: then the
    attempt is graded with what was saved in time.
    """
    with transaction.atomic():
        attempt = _lock_attempt(attempt)
        if not attempt.is_open:
            return attempt
        if answers:
            if attempt.is_past_deadline(timezone.now() - DEADLINE_GRACE):
                logger.info("late answers ignored", extra={"attempt": attempt.pk})
            else:
                attempt.answers = {**attempt.answers, **_clean_answers(attempt, answers)}
                attempt.answers_saved_at = timezone.now()
        auto = attempt.is_past_deadline(timezone.now() - DEADLINE_GRACE)
        _attempt_finish(attempt, auto=auto)
    return attempt


def _grade(attempt: Attempt) -> grading.AttemptResult:
    return grading.grade_attempt(attempt.questions, attempt.answers, attempt.manual_scores)


def _apply_result(attempt: Attempt, result: grading.AttemptResult) -> None:
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.percent = result.percent
    attempt.results = [
        {
            "question_id": r.question_id,
            "score": str(r.score),
            "max_score": str(r.max_score),
            "status": r.status,
            "feedback": r.feedback,
        }
        for r in result.results
    ]
    if result.needs_grading:
        attempt.status = Attempt.Status.NEEDS_GRADING
        attempt.passed = None
    else:
        attempt.status = Attempt.Status.GRADED
        attempt.passed = grading.is_passed(result, attempt.quiz.pass_mark_percent)
        attempt.graded_at = timezone.now()


def _attempt_finish(attempt: Attempt, *, auto: bool) -> None:
    """Close and grade an open attempt (the caller holds its row lock)."""
    now = timezone.now()
    attempt.submitted_at = min(now, attempt.deadline) if (auto and attempt.deadline) else now
    attempt.auto_submitted = auto
    _apply_result(attempt, _grade(attempt))
    attempt.save()
    if attempt.quiz.proctored:
        IntegrityEvent.objects.create(attempt=attempt, kind=IntegrityEvent.Kind.SUBMITTED, details={"auto": auto})
    logger.info("attempt submitted", extra={"attempt": attempt.pk, "auto": auto, "status": attempt.status})
    if attempt.status == Attempt.Status.GRADED and attempt.passed:
        lesson_completion_update(enrollment=attempt.enrollment, lesson=attempt.lesson)


def attempts_close_expired(*, now=None) -> int:
    """Submit every open attempt whose deadline has passed (the periodic sweep). Returns how many."""
    now = now or timezone.now()
    closed = 0
    for attempt_id in Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lt=now - DEADLINE_GRACE
    ).values_list("pk", flat=True):
        with transaction.atomic():
            attempt = _lock_attempt(Attempt(pk=attempt_id))
            if attempt.is_open and attempt.is_past_deadline(now - DEADLINE_GRACE):
                _attempt_finish(attempt, auto=True)
                closed += 1
    return closed


def attempt_close_if_expired(*, attempt: Attempt) -> Attempt:
    """Reading an attempt past its deadline submits it first (the server's clock rules)."""
    if attempt.is_open and attempt.is_past_deadline(timezone.now() - DEADLINE_GRACE):
        with transaction.atomic():
            locked = _lock_attempt(attempt)
            if locked.is_open:
                _attempt_finish(locked, auto=True)
            return locked
    return attempt


# --- grading by hand and regrading -----------------------------------------------------------


@transaction.atomic
def attempt_grade_essay(*, attempt: Attempt, question_id: str, points, by) -> Attempt:
    """An instructor scores an essay answer. The attempt is final when every essay is scored."""
    attempt = _lock_attempt(attempt)
    question = next((q for q in attempt.questions if q["id"] == question_id and q["type"] == "essay"), None)
    if question is None:
        raise ValidationError({"question_id": "Not an essay question of this attempt."})
    if attempt.is_open:
        raise ValidationError({"attempt": "The learner has not submitted this attempt yet."})
    try:
        points = Decimal(str(points))
    except ArithmeticError as error:
        raise ValidationError({"points": "Enter a number."}) from error
    if not points.is_finite():
        raise ValidationError({"points": "Enter a number."})
    if points < 0 or points > Decimal(str(question["points"])):
        raise ValidationError({"points": f"Give between 0 and {question['points']} points."})
    was_passed = attempt.passed
    score_before = attempt.score
    previous_points = attempt.manual_scores.get(question_id)
    attempt.manual_scores = {**attempt.manual_scores, question_id: str(points)}
    _apply_result(attempt, _grade(attempt))
    attempt.save()
    logger.info("essay graded", extra={"attempt": attempt.pk, "question": question_id, "by": getattr(by, "pk", None)})
    if attempt.counts and attempt.passed and not was_passed:
        lesson_completion_update(enrollment=attempt.enrollment, lesson=attempt.lesson)
    elif was_passed and not attempt.passed:
        lesson_completion_update(
            enrollment=attempt.enrollment,
            lesson=attempt.lesson,
            reason="An essay grade changed the result.",
            allow_withdraw=True,
        )
    audit_record(
        "grade.essay",
        actor=by,
        target=attempt,
        details={
            "question": question_id,
            "points": {"from": previous_points, "to": str(points)},
            "score": {"from": _text(score_before), "to": _text(attempt.score)},
            "passed": {"from": was_passed, "to": attempt.passed},
        },
    )
    return attempt


def _text(value) -> str | None:
    return None if value is None else str(value)


def quiz_regrade(*, quiz: Quiz, by=None) -> dict[str, int]:
    """Regrade every submitted attempt against the quiz's current published answer key (and
    give attempts still open the fixed key, for when they are submitted).

    What the learner saw stays (prompts, order); the key, points and feedback of each question
    still in the quiz come from the live version. Completion follows: a new pass completes the
    lesson, a pass turned into a fail takes it back (unless another attempt still passes).
    """
    current = quiz_questions_by_id(Quiz.objects.get(pk=quiz.pk).questions)
    counts = {"attempts": 0, "changed": 0, "now_passed": 0, "now_failed": 0}
    attempt_ids = list(Attempt.objects.filter(quiz=quiz).values_list("pk", flat=True))
    for attempt_id in attempt_ids:
        with transaction.atomic():
            attempt = _lock_attempt(Attempt(pk=attempt_id))
            before = (attempt.score, attempt.passed)
            attempt.questions = [
                question_with_fixed_key(question, current[question["id"]]) if question["id"] in current else question
                for question in attempt.questions
            ]
            if attempt.is_open:
                # Still being taken: it keeps what the learner sees and is graded on submit
                # against the fixed key.
                attempt.save(update_fields=["questions"])
                continue
            _apply_result(attempt, _grade(attempt))
            attempt.save()
            counts["attempts"] += 1
            if (attempt.score, attempt.passed) != before:
                counts["changed"] += 1
            if attempt.counts and attempt.passed and not before[1]:
                counts["now_passed"] += 1
                lesson_completion_update(enrollment=attempt.enrollment, lesson=attempt.lesson)
            elif before[1] and not attempt.passed:
                counts["now_failed"] += 1
                lesson_completion_update(
                    enrollment=attempt.enrollment,
                    lesson=attempt.lesson,
                    reason=f"“{quiz.title}” was regraded.",
                    allow_withdraw=True,
                )
            if (attempt.score, attempt.passed) != before:
                # Last in the transaction: the audit chain's lock is the last one taken.
                audit_record(
                    "grade.regrade.attempt",
                    actor=by,
                    target=attempt,
                    details={
                        "quiz": quiz.pk,
                        "score": {"from": _text(before[0]), "to": _text(attempt.score)},
                        "passed": {"from": before[1], "to": attempt.passed},
                    },
                )
    logger.info("quiz regraded", extra={"quiz": quiz.pk, "by": getattr(by, "pk", None), **counts})
    audit_record("grade.regrade", actor=by, target=quiz, details=counts)
    return counts


# --- visibility ------------------------------------------------------------------------------


def attempt_answers_visible(attempt: Attempt, *, now=None) -> bool:
    """Whether the learner may see correct answers and feedback for this attempt now."""
    if attempt.is_open:
        return False
    quiz = attempt.quiz
    policy = quiz.show_answers
    if policy == Quiz.ShowAnswers.AFTER_SUBMIT:
        return True
    if policy == Quiz.ShowAnswers.AFTER_CLOSE:
        return bool(quiz.available_until and (now or timezone.now()) >= quiz.available_until)
    if policy == Quiz.ShowAnswers.AFTER_LAST_ATTEMPT:
        if Attempt.objects.counted().filter(enrollment_id=attempt.enrollment_id, quiz=quiz, passed=True).exists():
            return True
        allowed = quiz.attempts_allowed
        return (
            allowed is not None
            and Attempt.objects.filter(enrollment_id=attempt.enrollment_id, quiz=quiz).count() >= allowed
        )
    return False
