"""Reads of lab state for one learner: what the lab page and the lab API show.

`lab_state_for` runs a fixed number of queries whatever the number of flags, hints and tries:
flags, hints, captured flags, opened hints, tries in the last minute, the completion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from assessments.lab_services import retry_after_seconds, tries_in_window
from assessments.models import Lab, LabCompletion, LabFlag, LabHint, LabHintUnlock, LabSubmission
from learning.models import Enrollment


@dataclass(frozen=True)
class FlagState:
    flag: LabFlag
    captured: bool


@dataclass(frozen=True)
class HintState:
    hint: LabHint
    number: int
    opened: bool

    @property
    def text(self) -> str | None:
        """The hint's text, only once the learner opened it."""
        return self.hint.text if self.opened else None


@dataclass(frozen=True)
class LabState:
    lab: Lab
    enrollment: Enrollment
    flags: list[FlagState]
    hints: list[HintState]
    seed: str | None  # the learner's flag seed, when the lab shows it
    tries_left: int | None  # None: no limit
    retry_after: int | None  # seconds until the next try is allowed, when none is left
    completion: LabCompletion | None
    hint_cost_so_far: int = field(default=0)

    @property
    def captured_flag_ids(self) -> set[int]:
        return {state.flag.pk for state in self.flags if state.captured}

    @property
    def opened_hint_ids(self) -> set[int]:
        return {state.hint.pk for state in self.hints if state.opened}

    @property
    def completed(self) -> bool:
        return self.completion is not None

    @property
    def max_score(self) -> int:
        return sum(state.flag.points for state in self.flags)

    @property
    def captured_count(self) -> int:
        return sum(1 for state in self.flags if state.captured)


def lab_state_for(user, lab: Lab, enrollment: Enrollment, *, now: datetime | None = None) -> LabState:
    """The learner's state in the lab for this course run. Six queries."""
    now = now or timezone.now()
    flags = list(LabFlag.objects.filter(lab=lab).order_by("sort_order", "pk"))
    hints = list(LabHint.objects.filter(lab=lab).order_by("sort_order", "pk"))
    captured = set(
        LabSubmission.objects.filter(enrollment=enrollment, lab=lab, correct=True, flag__isnull=False).values_list(
            "flag_id", flat=True
        )
    )
    opened = set(LabHintUnlock.objects.filter(enrollment=enrollment, hint__lab=lab).values_list("hint_id", flat=True))
    tries_left = retry_after = None
    if lab.max_tries_per_minute:
        count, oldest = tries_in_window(enrollment_id=enrollment.pk, lab_id=lab.pk, now=now)
        tries_left = max(0, lab.max_tries_per_minute - count)
        if tries_left == 0:
            retry_after = retry_after_seconds(oldest, now)
    completion = LabCompletion.objects.filter(enrollment=enrollment, lab=lab).first()
    return LabState(
        lab=lab,
        enrollment=enrollment,
        flags=[FlagState(flag=flag, captured=flag.pk in captured) for flag in flags],
        hints=[
            HintState(hint=hint, number=number, opened=hint.pk in opened) for number, hint in enumerate(hints, start=1)
        ],
        seed=lab.seed_for(user) if lab.show_seed else None,
        tries_left=tries_left,
        retry_after=retry_after,
        completion=completion,
        hint_cost_so_far=sum(hint.cost for hint in hints if hint.pk in opened),
    )
