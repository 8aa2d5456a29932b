"""Quiz grading as pure functions over drawn-question dicts, so the same rules serve submission,
regrading and previews, and are tested without a database.

A drawn question is a plain dict built elsewhere from the quiz's StreamField (see the field list
in each `_grade_*` function). Two kinds of bad input are kept apart on purpose:
- a malformed *response* (learner input: wrong type, unknown or repeated ids) is graded
  "incorrect" and never raises, because anyone can post anything;
- a malformed *question* (unknown type, points <= 0, a regex that does not compile, a manual
  score for something that is not an essay) raises ValueError, because it is a programming or
  authoring error that must not be hidden behind a zero.

Scores are Decimals quantized to 0.01 with ROUND_HALF_UP; the status comes from the exact share
of credit, so 1 of 3 matched pairs is "partial" even where it rounds to a whole number of points.
"""

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DecimalException, InvalidOperation
from fractions import Fraction
from typing import Any

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
MATCHING = "matching"
ORDERING = "ordering"
ESSAY = "essay"

CORRECT = "correct"
PARTIAL = "partial"
INCORRECT = "incorrect"
UNANSWERED = "unanswered"
NEEDS_GRADING = "needs_grading"

# Longest short answer that is compared at all: caps the work a learner-chosen string can cause
# in an author's regex (catastrophic backtracking grows with the input).
SHORT_ANSWER_MAX_LENGTH = 1000
# Longest numeric response parsed: no real answer needs more, and Decimal work stays small.
NUMERIC_MAX_LENGTH = 100

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

Question = Mapping[str, Any]

# "1,000.5", "1000", "1000.", ".5", "-2", "+3", "6.02e23"; commas only in groups of three, so a
# European "1,5" is not read as fifteen.
_NUMBER = re.compile(
    r"""
    [+-]?
    (?: (?: \d{1,3} (?: ,\d{3} )+ | \d+ ) (?: \.\d* )?
      | \.\d+
    )
    (?: [eE] [+-]? \d+ )?
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one question in one attempt."""

    question_id: str
    score: Decimal  # 0 for needs_grading until a manual score is given
    max_score: Decimal
    status: str  # correct | partial | incorrect | unanswered | needs_grading
    feedback: str  # verdict feedback, then the feedback of each selected choice, joined by "\n"


@dataclass(frozen=True)
class AttemptResult:
    """The grade of a whole attempt; `results` are in question order."""

    score: Decimal
    max_score: Decimal
    percent: Decimal  # 0..100, quantized to 0.01; 0 when max_score is 0
    needs_grading: bool  # some essay still has no manual score
    results: tuple[QuestionResult, ...]


class _MalformedResponse(Exception):
    """A response that cannot be read; grade_question turns it into "incorrect"."""


def grade_question(question: Question, response: object, *, manual_score: object = None) -> QuestionResult:
    """Grade one response; never raises for learner input, only for a broken question.

    `manual_score` is the points an instructor gave an essay (clamped to 0..max); it is refused
    for any other type so that a stray override cannot silently replace an automatic grade.
    """
    question_type = _question_type(question)
    max_score = _points(question)
    question_id = question["id"]

    if manual_score is not None:
        if question_type != ESSAY:
            raise ValueError(f"Question {question_id!r} is {question_type}: only essays take a manual score.")
        return _manually_graded(question, max_score, manual_score)

    if _is_unanswered(question_type, response):
        return QuestionResult(question_id, ZERO, max_score, UNANSWERED, _feedback(question, UNANSWERED, []))

    if question_type == ESSAY:
        if isinstance(response, str):
            # No verdict yet, so no verdict feedback either.
            return QuestionResult(question_id, ZERO, max_score, NEEDS_GRADING, "")
        return QuestionResult(question_id, ZERO, max_score, INCORRECT, _feedback(question, INCORRECT, []))

    try:
        credit, chosen_feedback = _AUTO_GRADERS[question_type](question, response)
    except _MalformedResponse:
        credit, chosen_feedback = Fraction(0), []
    status = CORRECT if credit == 1 else INCORRECT if credit == 0 else PARTIAL
    score = _quantize(max_score * credit.numerator / credit.denominator)
    return QuestionResult(question_id, score, max_score, status, _feedback(question, status, chosen_feedback))


def grade_attempt(
    questions: Sequence[Question],
    responses: Mapping[str, object],
    manual_scores: Mapping[str, Decimal | str | int] | None = None,
) -> AttemptResult:
    """Grade every drawn question of an attempt; a question missing from `responses` is unanswered.

    Responses to questions that were not drawn are ignored (learners can post anything);
    manual scores for them raise ValueError (the caller stored a grade against the wrong attempt).
    A manual score of None counts as not given yet.
    """
    manual_scores = manual_scores or {}
    question_ids = [question["id"] for question in questions]
    if len(set(question_ids)) != len(question_ids):
        raise ValueError("An attempt cannot draw the same question id twice.")
    stray = set(manual_scores) - set(question_ids)
    if stray:
        raise ValueError(f"Manual scores for questions not in this attempt: {sorted(stray)!r}.")

    results = tuple(
        grade_question(question, responses.get(question["id"]), manual_score=manual_scores.get(question["id"]))
        for question in questions
    )
    score = sum((result.score for result in results), ZERO)
    max_score = sum((result.max_score for result in results), ZERO)
    percent = _quantize(score * HUNDRED / max_score) if max_score else ZERO
    needs_grading = any(result.status == NEEDS_GRADING for result in results)
    return AttemptResult(score, max_score, percent, needs_grading, results)


def is_passed(result: AttemptResult, pass_mark_percent: Decimal | str | int | float) -> bool | None:
    """Whether the attempt passed; None while an essay awaits a grader.

    Compares the reported (rounded) percent, so a learner shown 70.00% passes a 70% mark.
    """
    pass_mark = _decimal(pass_mark_percent, "pass mark")
    if not 0 <= pass_mark <= HUNDRED:
        raise ValueError(f"Pass mark must be between 0 and 100, not {pass_mark_percent!r}.")
    if result.needs_grading:
        return None
    return result.percent >= pass_mark


def public_question(question: Question) -> dict[str, Any]:
    """The question as a learner may see it before submitting: nothing that gives the answer away.

    Matching options get ids derived from their text, not the pair ids: with pair ids the
    learner could match every left id to the equal right id without reading the question.
    Identical right texts become one option, which then correctly matches each of their pairs.
    """
    question_type = _question_type(question)
    public: dict[str, Any] = {
        "id": question["id"],
        "type": question_type,
        "points": str(_points(question)),
        "prompt": question.get("prompt", ""),
    }
    if question_type in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        public["choices"] = [{"id": choice["id"], "text": choice["text"]} for choice in question["choices"]]
    elif question_type == MATCHING:
        pairs = question["pairs"]
        public["left"] = [{"id": pair["id"], "text": pair["left"]} for pair in pairs]
        # Sorted by text: stable between page loads, unrelated to the order the author wrote.
        right_texts = sorted({pair["right"] for pair in pairs}, key=lambda text: (text.casefold(), text))
        public["right"] = [{"id": matching_option_id(text), "text": text} for text in right_texts]
    elif question_type == ORDERING:
        # In the author's (correct) order: the caller shuffles per attempt and stores that order.
        public["items"] = [{"id": item["id"], "text": item["text"]} for item in question["items"]]
    return public


def correct_answer(question: Question) -> object:
    """The correct response in the shape a learner submits, for showing answers after submit.

    short_answer gives its first accepted answer (None when only a regex is set); numeric gives
    the answer as a string; essay has no single correct response and gives None.
    """
    question_type = _question_type(question)
    if question_type == SINGLE_CHOICE:
        return next(choice["id"] for choice in question["choices"] if choice["correct"])
    if question_type == MULTIPLE_CHOICE:
        return [choice["id"] for choice in question["choices"] if choice["correct"]]
    if question_type == TRUE_FALSE:
        return bool(question["correct"])
    if question_type == SHORT_ANSWER:
        accepted = question.get("accepted_answers") or []
        return accepted[0] if accepted else None
    if question_type == NUMERIC:
        return str(_decimal(question["answer"], "numeric answer"))
    if question_type == MATCHING:
        return {pair["id"]: matching_option_id(pair["right"]) for pair in question["pairs"]}
    if question_type == ORDERING:
        return [item["id"] for item in question["items"]]
    return None


def matching_option_id(right_text: str) -> str:
    """The id of a matching question's right-hand option: stable, and unrelated to any pair id."""
    return "opt-" + hashlib.sha256(right_text.encode()).hexdigest()[:16]


# --- graders: each returns (share of credit, feedback of the selected choices) ----------------


def _grade_single_choice(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: choices [{id, text, correct, feedback}], exactly one correct; response: a choice id."""
    choice = _choices_by_id(question).get(response) if isinstance(response, str) else None
    if choice is None:
        raise _MalformedResponse
    return Fraction(int(bool(choice["correct"]))), [choice.get("feedback", "")]


def _grade_multiple_choice(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: choices, partial_credit; response: a list of distinct choice ids.

    Partial credit follows Canvas: each wrong selection cancels a right one, floored at zero,
    so selecting every choice does not earn credit.
    """
    choices = question["choices"]
    selected = _distinct_ids(response, allowed=_choices_by_id(question).keys())
    correct_ids = {choice["id"] for choice in choices if choice["correct"]}
    if not correct_ids:
        raise ValueError(f"Multiple choice question {question['id']!r} has no correct choice.")
    if question.get("partial_credit"):
        right = len(selected & correct_ids)
        wrong = len(selected - correct_ids)
        credit = max(Fraction(0), Fraction(right - wrong, len(correct_ids)))
    else:
        credit = Fraction(int(selected == correct_ids))
    return credit, [choice.get("feedback", "") for choice in choices if choice["id"] in selected]


def _grade_true_false(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: correct (bool); response: a bool, or "true"/"false" as a form posts it."""
    if isinstance(response, bool):
        given = response
    elif isinstance(response, str) and response.strip().lower() in ("true", "false"):
        given = response.strip().lower() == "true"
    else:
        raise _MalformedResponse
    return Fraction(int(given == bool(question["correct"]))), []


def _grade_short_answer(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: accepted_answers, case_sensitive, normalize_whitespace, regex ("" = none); response: str."""
    if not isinstance(response, str) or len(response) > SHORT_ANSWER_MAX_LENGTH:
        raise _MalformedResponse
    case_sensitive = bool(question.get("case_sensitive"))
    given = _comparable_text(question, response)
    accepted = {_comparable_text(question, answer) for answer in question.get("accepted_answers") or []}
    if given in accepted:
        return Fraction(1), []
    pattern = question.get("regex") or ""
    if pattern:
        flags = 0 if case_sensitive else re.IGNORECASE
        try:
            compiled = re.compile(pattern, flags)
        except re.error as error:
            raise ValueError(f"Short answer question {question['id']!r} has an invalid regex: {error}.") from error
        # The regex sees the response as typed, bar whitespace: IGNORECASE handles case.
        if compiled.fullmatch(_comparable_text(question, response, fold_case=False)):
            return Fraction(1), []
    return Fraction(0), []


def _grade_numeric(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: answer, tolerance (absolute, >= 0); response: a number or a string like "1,000.5"."""
    answer = _decimal(question["answer"], "numeric answer")
    tolerance = _decimal(question.get("tolerance", 0), "numeric tolerance")
    if tolerance < 0:
        raise ValueError(f"Numeric question {question['id']!r} has a negative tolerance.")
    given = _parse_number(response)
    try:
        within = abs(given - answer) <= tolerance
    except DecimalException as error:  # e.g. "1e999999999" overflows the context
        raise _MalformedResponse from error
    return Fraction(int(within)), []


def _grade_matching(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: pairs [{id, left, right}]; response: {left pair id: right option id}. Always partial credit.

    An option may be chosen for several lefts (as in a dropdown per row): each row is judged on
    its own. Unmatched rows earn nothing; unknown ids make the whole response malformed.
    """
    pairs = question["pairs"]
    if not isinstance(response, dict):
        raise _MalformedResponse
    pair_ids = {pair["id"] for pair in pairs}
    option_ids = {matching_option_id(pair["right"]) for pair in pairs}
    for left_id, option_id in response.items():
        if left_id not in pair_ids or not isinstance(option_id, str) or option_id not in option_ids:
            raise _MalformedResponse
    matched = sum(1 for pair in pairs if response.get(pair["id"]) == matching_option_id(pair["right"]))
    return Fraction(matched, len(pairs)), []


def _grade_ordering(question: Question, response: object) -> tuple[Fraction, list[str]]:
    """Fields: items [{id, text}] in the correct order, partial_credit; response: every item id once."""
    expected = [item["id"] for item in question["items"]]
    if (
        not isinstance(response, list | tuple)
        or len(response) != len(expected)
        or not all(isinstance(item_id, str) for item_id in response)
        or set(response) != set(expected)
    ):
        raise _MalformedResponse
    in_place = sum(1 for given, wanted in zip(response, expected, strict=True) if given == wanted)
    if question.get("partial_credit"):
        return Fraction(in_place, len(expected)), []
    return Fraction(int(in_place == len(expected))), []


_AUTO_GRADERS: dict[str, Callable[[Question, object], tuple[Fraction, list[str]]]] = {
    SINGLE_CHOICE: _grade_single_choice,
    MULTIPLE_CHOICE: _grade_multiple_choice,
    TRUE_FALSE: _grade_true_false,
    SHORT_ANSWER: _grade_short_answer,
    NUMERIC: _grade_numeric,
    MATCHING: _grade_matching,
    ORDERING: _grade_ordering,
}
QUESTION_TYPES = frozenset({*_AUTO_GRADERS, ESSAY})


# --- helpers -----------------------------------------------------------------------------------


def _question_type(question: Question) -> str:
    question_type = question.get("type")
    if question_type not in QUESTION_TYPES:
        raise ValueError(f"Unknown question type {question_type!r} for question {question.get('id')!r}.")
    return question_type


def _points(question: Question) -> Decimal:
    points = _decimal(question.get("points"), "points")
    max_score = _quantize(points)
    if max_score <= 0:
        raise ValueError(f"Question {question.get('id')!r} must be worth more than 0 points, not {points}.")
    return max_score


def _decimal(value: object, what: str) -> Decimal:
    """A finite Decimal from question or grader data, which must be well formed."""
    if isinstance(value, bool):
        raise ValueError(f"The {what} must be a number, not {value!r}.")
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"The {what} must be a number, not {value!r}.") from error
    if not number.is_finite():
        raise ValueError(f"The {what} must be finite, not {value!r}.")
    return number


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _is_unanswered(question_type: str, response: object) -> bool:
    if response is None:
        return True
    if question_type == TRUE_FALSE:
        return False  # False is an answer; "" is a malformed one
    if isinstance(response, str):
        return not response.strip()  # a blank field was left empty, whatever the browser sent
    if isinstance(response, list | tuple | dict):
        return not response
    return False


def _feedback(question: Question, status: str, chosen_feedback: list[str]) -> str:
    verdict = question.get("feedback_correct" if status == CORRECT else "feedback_incorrect", "")
    return "\n".join(part for part in [verdict, *chosen_feedback] if part)


def _manually_graded(question: Question, max_score: Decimal, manual_score: object) -> QuestionResult:
    given = _decimal(manual_score, "manual score")
    score = _quantize(min(max(given, ZERO), max_score))
    status = CORRECT if score == max_score else INCORRECT if score == 0 else PARTIAL
    return QuestionResult(question["id"], score, max_score, status, _feedback(question, status, []))


def _choices_by_id(question: Question) -> dict[str, Mapping[str, Any]]:
    return {choice["id"]: choice for choice in question["choices"]}


def _distinct_ids(response: object, *, allowed: Any) -> set[str]:
    """The ids of a list response; malformed unless every id is a known string and none repeats."""
    if not isinstance(response, list | tuple) or not all(isinstance(item, str) for item in response):
        raise _MalformedResponse
    ids = set(response)
    if len(ids) != len(response) or not ids <= set(allowed):
        raise _MalformedResponse
    return ids


def _comparable_text(question: Question, text: str, *, fold_case: bool = True) -> str:
    # NFC first so "é" typed as one or as two code points compares equal.
    text = unicodedata.normalize("NFC", text)
    if question.get("normalize_whitespace"):
        text = " ".join(text.split())
    if fold_case and not question.get("case_sensitive"):
        text = text.casefold()
    return text


def _parse_number(response: object) -> Decimal:
    """A learner's number; anything that is not plainly one is malformed."""
    if isinstance(response, bool):
        raise _MalformedResponse
    if isinstance(response, int):
        return Decimal(response)
    if isinstance(response, float):
        if not math.isfinite(response):
            raise _MalformedResponse
        return Decimal(str(response))
    if isinstance(response, Decimal):
        if not response.is_finite():
            raise _MalformedResponse
        return response
    if not isinstance(response, str) or len(response) > NUMERIC_MAX_LENGTH:
        raise _MalformedResponse
    text = response.strip()
    if not _NUMBER.fullmatch(text):
        raise _MalformedResponse
    return Decimal(text.replace(",", ""))
