"""Classical item statistics (difficulty and upper-lower discrimination) over graded attempts,
pure so a report can compute them for any selection of attempts without touching the database.

Questions drawn from pools appear only in some attempts, so every figure of an item is computed
over the attempts that included it, never over all attempts.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Kelley's 27%: the share of attempts in each of the upper and lower groups.
GROUP_SHARE = Decimal("0.27")
CENT = Decimal("0.01")

# (attempt percent, {question id: (score, max_score)}) for one graded attempt.
GradedAttempt = tuple[Decimal, Mapping[str, tuple[Decimal, Decimal]]]


@dataclass(frozen=True)
class ItemStatistics:
    """How one question performed across the attempts that included it."""

    question_id: str
    responses: int  # attempts that included the question
    difficulty: Decimal | None  # share of those attempts with full points (0..1); None without responses
    discrimination: Decimal | None  # upper minus lower group share with full points (-1..1); None below 2 attempts


def item_statistics(attempts: Sequence[GradedAttempt]) -> list[ItemStatistics]:
    """Statistics per question, in the order questions first appear in `attempts`.

    Pass only fully graded attempts: an essay awaiting a grader scores 0 and would count as wrong.
    "Correct" means full points on the question, so partial credit counts as not correct.
    Attempts with equal percents keep their input order when the groups are cut.
    """
    per_question: dict[str, list[tuple[Decimal, bool]]] = {}
    for percent, scores in attempts:
        for question_id, (score, max_score) in scores.items():
            per_question.setdefault(question_id, []).append((percent, score >= max_score))
    return [_item(question_id, outcomes) for question_id, outcomes in per_question.items()]


def _item(question_id: str, outcomes: list[tuple[Decimal, bool]]) -> ItemStatistics:
    responses = len(outcomes)
    if not responses:
        return ItemStatistics(question_id, 0, None, None)
    full_marks = sum(1 for _, correct in outcomes if correct)
    difficulty = _quantize(Decimal(full_marks) / responses)
    if responses < 2:
        return ItemStatistics(question_id, responses, difficulty, None)

    group_size = max(1, int((responses * GROUP_SHARE).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    ranked = sorted(outcomes, key=lambda outcome: outcome[0])  # stable: ties keep input order
    lower = sum(1 for _, correct in ranked[:group_size] if correct)
    upper = sum(1 for _, correct in ranked[-group_size:] if correct)
    # Both groups have the same size, so one division keeps the figure exact until it is rounded.
    discrimination = _quantize(Decimal(upper - lower) / group_size)
    return ItemStatistics(question_id, responses, difficulty, discrimination)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
