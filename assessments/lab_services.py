"""Writes on lab state: flag tries, hint unlocks, lab completion.

Invariants kept:
- a flag is never stored or logged in plain text: a try keeps only the SHA-256 of what was
  typed, a static flag only its HMAC with the lab secret, and a per-learner flag is derived;
- a learner's tries on one lab (per course run) are limited to `Lab.max_tries_per_minute` in
  any 60 seconds; the count is read under a lock on the enrollment row, so concurrent requests
  cannot slip past it. A refused request is not a try: it checks nothing and is not recorded;
- every try that was checked is recorded, right or wrong; a flag captured again answers
  "already captured" and changes nothing;
- the lab completes once, when every flag is captured, with the flag points less the cost of
  the hints opened by then (never below 0), and the completion is reported to learning for
  each lesson of the course that holds the lab;
- opening a hint is idempotent.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from assessments import services
from assessments.exceptions import LabNotFound, TooManyTries
from assessments.models import AssessmentPlacement, Lab, LabCompletion, LabFlag, LabHint, LabHintUnlock, LabSubmission
from assessments.models.labs import flag_normalize
from learning.models import Enrollment

logger = logging.getLogger(__name__)

RATE_WINDOW = timedelta(seconds=60)
FLAG_MAX_LENGTH = 500


@dataclass(frozen=True)
class FlagResult:
    """What one flag try came to."""

    correct: bool
    flag: LabFlag | None
    already_captured: bool
    completion: LabCompletion | None  # set once the lab is completed (now or before)
    completed_now: bool

    @property
    def lab_completed(self) -> bool:
        return self.completion is not None


def submission_digest(text: str) -> str:
    """What a try keeps of the typed text: enough to spot repeats, never the text itself."""
    return hashlib.sha256(flag_normalize(text).encode()).hexdigest()


def _learner_placement(*, user, lab: Lab, lesson_id: int | None):
    placement, enrollment = services.placement_for_learner(user=user, lab=lab, lesson_id=lesson_id)
    if placement is None:
        raise LabNotFound()
    return placement, enrollment


def tries_in_window(*, enrollment_id: int, lab_id: int, now: datetime) -> tuple[int, datetime | None]:
    """(tries in the last 60 s, when the oldest of them was made). One query."""
    row = LabSubmission.objects.filter(
        enrollment_id=enrollment_id, lab_id=lab_id, submitted_at__gt=now - RATE_WINDOW
    ).aggregate(count=Count("id"), oldest=Min("submitted_at"))
    return row["count"], row["oldest"]


def retry_after_seconds(oldest: datetime | None, now: datetime) -> int:
    """Whole seconds until the oldest try in the window leaves it (at least 1)."""
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + RATE_WINDOW - now).total_seconds()))


def _matching_flag(flags: list[LabFlag], text: str, user, captured: set[int]) -> LabFlag | None:
    """The flag this text is: an uncaptured one first when two flags share a text."""
    matches = [flag for flag in flags if flag.matches(text, user)]
    for flag in matches:
        if flag.pk not in captured:
            return flag
    return matches[0] if matches else None


def _completion_score(*, lab: Lab, enrollment: Enrollment, flags: list[LabFlag]) -> tuple[int, int]:
    max_score = sum(flag.points for flag in flags)
    hint_cost = (
        LabHintUnlock.objects.filter(enrollment=enrollment, hint__lab=lab).aggregate(total=Sum("hint__cost"))["total"]
        or 0
    )
    return max(0, max_score - hint_cost), max_score


def _lab_complete(*, user, lab: Lab, enrollment: Enrollment, flags: list[LabFlag], now: datetime) -> LabCompletion:
    score, max_score = _completion_score(lab=lab, enrollment=enrollment, flags=flags)
    completion = LabCompletion.objects.create(
        user=user, enrollment=enrollment, lab=lab, completed_at=now, score=score, max_score=max_score
    )
    logger.info("lab completed", extra={"lab": lab.pk, "enrollment": enrollment.pk, "score": score})
    # A lab may sit in more than one lesson of the course: each of them may now be complete.
    reported: set[int] = set()
    placements = AssessmentPlacement.objects.filter(lab=lab, course_id=enrollment.course_id).select_related("lesson")
    for placement in placements:
        if placement.lesson_id not in reported:
            reported.add(placement.lesson_id)
            services.lesson_completion_update(enrollment=enrollment, lesson=placement.lesson)
    return completion


@transaction.atomic
def lab_flag_submit(
    *, user, lab: Lab, text: str, lesson_id: int | None = None, ip: str | None = None, now: datetime | None = None
) -> FlagResult:
    """Check one flag try for the learner, record it, and complete the lab on its last flag.

    Raises LabNotFound when the learner does not meet this lab in a course they are enrolled in,
    TooManyTries (with retry_after seconds) past the lab's tries per minute, ValidationError for
    an empty or overlong flag.
    """
    _, enrollment = _learner_placement(user=user, lab=lab, lesson_id=lesson_id)
    normalized = flag_normalize(text)
    if not normalized:
        raise ValidationError({"flag": "Type the flag you found."})
    if len(normalized) > FLAG_MAX_LENGTH:
        raise ValidationError({"flag": f"A flag is at most {FLAG_MAX_LENGTH} characters."})
    now = now or timezone.now()
    # The enrollment row serialises this learner's tries: the count below cannot race.
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    limit = lab.max_tries_per_minute
    if limit:  # 0: no limit
        count, oldest = tries_in_window(enrollment_id=enrollment.pk, lab_id=lab.pk, now=now)
        if count >= limit:
            raise TooManyTries(retry_after_seconds(oldest, now))

    flags = list(lab.flags.all())
    for flag in flags:
        flag.lab = lab  # matches() reads the lab's secret: no query per flag
    captured = set(
        LabSubmission.objects.filter(enrollment=enrollment, lab=lab, correct=True, flag__isnull=False).values_list(
            "flag_id", flat=True
        )
    )
    flag = _matching_flag(flags, normalized, user, captured)
    LabSubmission.objects.create(
        user=user,
        lab=lab,
        enrollment=enrollment,
        flag=flag,
        correct=flag is not None,
        submitted_digest=submission_digest(normalized),
        submitted_at=now,
        ip=ip,
    )
    completion = LabCompletion.objects.filter(enrollment=enrollment, lab=lab).first()
    if flag is None:
        return FlagResult(correct=False, flag=None, already_captured=False, completion=completion, completed_now=False)
    already = flag.pk in captured
    captured.add(flag.pk)
    completed_now = False
    if completion is None and flags and all(f.pk in captured for f in flags):
        completion = _lab_complete(user=user, lab=lab, enrollment=enrollment, flags=flags, now=now)
        completed_now = True
    return FlagResult(
        correct=True, flag=flag, already_captured=already, completion=completion, completed_now=completed_now
    )


@transaction.atomic
def lab_hint_unlock(*, user, lab: Lab, hint: LabHint, lesson_id: int | None = None) -> tuple[LabHintUnlock, bool]:
    """Open a hint for the learner (idempotent). Returns (unlock, created).

    Its cost comes off the lab score when the lab completes; a hint opened after completion
    costs nothing (the score is already kept).
    """
    if hint.lab_id != lab.pk:
        raise LabNotFound("No such hint in this lab.")
    _, enrollment = _learner_placement(user=user, lab=lab, lesson_id=lesson_id)
    existing = LabHintUnlock.objects.filter(enrollment=enrollment, hint=hint).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # a concurrent double click meets the unique constraint
            return LabHintUnlock.objects.create(user=user, enrollment=enrollment, hint=hint), True
    except IntegrityError:
        return LabHintUnlock.objects.get(enrollment=enrollment, hint=hint), False
