"""Pure grading rules, table by table: no database, one behaviour per row."""

import json
from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from assessments.grading import (
    AttemptResult,
    correct_answer,
    grade_attempt,
    grade_question,
    is_passed,
    matching_option_id,
    public_question,
)


def _question(question_type, question_id, points="2", **fields):
    return {
        "id": question_id,
        "type": question_type,
        "points": points,
        "prompt": f"<p>Prompt of {question_id}</p>",
        "feedback_correct": "Well done.",
        "feedback_incorrect": "Not quite.",
        **fields,
    }


def single_choice(**fields):
    return _question(
        "single_choice",
        "q-single",
        choices=[
            {"id": "c-paris", "text": "Paris", "correct": True, "feedback": "Paris is the capital."},
            {"id": "c-lyon", "text": "Lyon", "correct": False, "feedback": "Lyon is the third city."},
            {"id": "c-nice", "text": "Nice", "correct": False, "feedback": ""},
        ],
        **fields,
    )


def multiple_choice(partial_credit=False, points="3", **fields):
    return _question(
        "multiple_choice",
        "q-multiple",
        points=points,
        partial_credit=partial_credit,
        choices=[
            {"id": "c-2", "text": "2", "correct": True, "feedback": "2 is prime."},
            {"id": "c-3", "text": "3", "correct": True, "feedback": "3 is prime."},
            {"id": "c-5", "text": "5", "correct": True, "feedback": "5 is prime."},
            {"id": "c-4", "text": "4", "correct": False, "feedback": "4 is 2 × 2."},
            {"id": "c-9", "text": "9", "correct": False, "feedback": "9 is 3 × 3."},
        ],
        **fields,
    )


def true_false(correct=True, points="1", **fields):
    return _question("true_false", "q-true-false", points=points, correct=correct, **fields)


def short_answer(**fields):
    settings = {
        "accepted_answers": ["Ada Lovelace", "Lovelace"],
        "case_sensitive": False,
        "normalize_whitespace": True,
        "regex": "",
        **fields,
    }
    return _question("short_answer", "q-short", **settings)


def numeric(answer="3.14", tolerance="0.01", **fields):
    return _question("numeric", "q-numeric", answer=answer, tolerance=tolerance, **fields)


def matching(points="3", **fields):
    return _question(
        "matching",
        "q-matching",
        points=points,
        pairs=[
            {"id": "p-fr", "left": "France", "right": "Paris"},
            {"id": "p-de", "left": "Germany", "right": "Berlin"},
            {"id": "p-it", "left": "Italy", "right": "Rome"},
        ],
        **fields,
    )


def ordering(partial_credit=False, points="4", **fields):
    return _question(
        "ordering",
        "q-ordering",
        points=points,
        partial_credit=partial_credit,
        items=[
            {"id": "i-1", "text": "Plan"},
            {"id": "i-2", "text": "Build"},
            {"id": "i-3", "text": "Test"},
            {"id": "i-4", "text": "Ship"},
        ],
        **fields,
    )


def essay(points="10", **fields):
    return _question("essay", "q-essay", points=points, rubric="Two arguments, one counterexample.", **fields)


def option(right_text):
    return matching_option_id(right_text)


PARIS, BERLIN, ROME = option("Paris"), option("Berlin"), option("Rome")


@pytest.mark.parametrize(
    ("question", "response", "score", "status"),
    [
        # single choice
        pytest.param(single_choice(), "c-paris", "2.00", "correct", id="single-correct-choice"),
        pytest.param(single_choice(), "c-lyon", "0.00", "incorrect", id="single-wrong-choice"),
        pytest.param(single_choice(), None, "0.00", "unanswered", id="single-none-is-unanswered"),
        pytest.param(single_choice(), "", "0.00", "unanswered", id="single-empty-string-is-unanswered"),
        pytest.param(single_choice(), "c-rome", "0.00", "incorrect", id="single-unknown-id-is-incorrect"),
        pytest.param(single_choice(), ["c-paris"], "0.00", "incorrect", id="single-list-is-incorrect"),
        pytest.param(single_choice(), 1, "0.00", "incorrect", id="single-number-is-incorrect"),
        # multiple choice without partial credit
        pytest.param(multiple_choice(), ["c-2", "c-3", "c-5"], "3.00", "correct", id="multiple-exact-set"),
        pytest.param(multiple_choice(), ["c-5", "c-2", "c-3"], "3.00", "correct", id="multiple-order-ignored"),
        pytest.param(multiple_choice(), ["c-2", "c-3"], "0.00", "incorrect", id="multiple-subset-all-or-nothing"),
        pytest.param(
            multiple_choice(), ["c-2", "c-3", "c-5", "c-4"], "0.00", "incorrect", id="multiple-superset-all-or-nothing"
        ),
        pytest.param(multiple_choice(), [], "0.00", "unanswered", id="multiple-empty-list-is-unanswered"),
        pytest.param(multiple_choice(), None, "0.00", "unanswered", id="multiple-none-is-unanswered"),
        pytest.param(
            multiple_choice(), ["c-2", "c-3", "c-5", "c-7"], "0.00", "incorrect", id="multiple-unknown-id-is-incorrect"
        ),
        pytest.param(
            multiple_choice(), ["c-2", "c-2", "c-3", "c-5"], "0.00", "incorrect", id="multiple-duplicate-is-incorrect"
        ),
        pytest.param(multiple_choice(), "c-2", "0.00", "incorrect", id="multiple-bare-string-is-incorrect"),
        pytest.param(multiple_choice(), [["c-2"]], "0.00", "incorrect", id="multiple-nested-list-is-incorrect"),
        # multiple choice with partial credit (Canvas: (right - wrong) / correct choices, floored at 0)
        pytest.param(multiple_choice(True), ["c-2", "c-3", "c-5"], "3.00", "correct", id="partial-mc-all-right"),
        pytest.param(multiple_choice(True), ["c-2", "c-3"], "2.00", "partial", id="partial-mc-two-of-three"),
        pytest.param(multiple_choice(True), ["c-2"], "1.00", "partial", id="partial-mc-one-of-three"),
        pytest.param(
            multiple_choice(True), ["c-2", "c-3", "c-4"], "1.00", "partial", id="partial-mc-wrong-cancels-right"
        ),
        pytest.param(
            multiple_choice(True), ["c-2", "c-4"], "0.00", "incorrect", id="partial-mc-equal-right-and-wrong-is-zero"
        ),
        pytest.param(
            multiple_choice(True), ["c-2", "c-4", "c-9"], "0.00", "incorrect", id="partial-mc-floored-at-zero"
        ),
        pytest.param(
            multiple_choice(True),
            ["c-2", "c-3", "c-5", "c-4", "c-9"],
            "1.00",
            "partial",
            id="partial-mc-select-everything-loses-credit",
        ),
        pytest.param(multiple_choice(True, points="1"), ["c-2"], "0.33", "partial", id="partial-mc-third-rounds-down"),
        pytest.param(
            multiple_choice(True, points="1"), ["c-2", "c-3"], "0.67", "partial", id="partial-mc-two-thirds-rounds-up"
        ),
        pytest.param(
            multiple_choice(True), ["c-2", "c-2"], "0.00", "incorrect", id="partial-mc-duplicate-earns-nothing"
        ),
        # true / false
        pytest.param(true_false(), True, "1.00", "correct", id="tf-bool-correct"),
        pytest.param(true_false(), False, "0.00", "incorrect", id="tf-false-is-an-answer-not-unanswered"),
        pytest.param(true_false(), "true", "1.00", "correct", id="tf-string-true"),
        pytest.param(true_false(correct=False), "false", "1.00", "correct", id="tf-string-false"),
        pytest.param(true_false(), "True", "1.00", "correct", id="tf-string-any-case"),
        pytest.param(true_false(), None, "0.00", "unanswered", id="tf-none-is-unanswered"),
        pytest.param(true_false(), "", "0.00", "incorrect", id="tf-empty-string-is-malformed"),
        pytest.param(true_false(), "yes", "0.00", "incorrect", id="tf-other-string-is-incorrect"),
        pytest.param(true_false(), 1, "0.00", "incorrect", id="tf-integer-is-incorrect"),
        # short answer (detailed rules in their own table)
        pytest.param(short_answer(), "Ada Lovelace", "2.00", "correct", id="short-accepted-answer"),
        pytest.param(short_answer(), "Charles Babbage", "0.00", "incorrect", id="short-other-answer"),
        pytest.param(short_answer(), "", "0.00", "unanswered", id="short-empty-is-unanswered"),
        pytest.param(short_answer(), "   ", "0.00", "unanswered", id="short-blank-is-unanswered"),
        pytest.param(short_answer(), 42, "0.00", "incorrect", id="short-number-is-incorrect"),
        # numeric (detailed rules in their own table)
        pytest.param(numeric(), "3.14", "2.00", "correct", id="numeric-exact"),
        pytest.param(numeric(), "3.5", "0.00", "incorrect", id="numeric-outside-tolerance"),
        pytest.param(numeric(), None, "0.00", "unanswered", id="numeric-none-is-unanswered"),
        pytest.param(numeric(), "", "0.00", "unanswered", id="numeric-empty-is-unanswered"),
        pytest.param(numeric(), "pi", "0.00", "incorrect", id="numeric-unparseable-is-incorrect"),
        pytest.param(numeric(), [3.14], "0.00", "incorrect", id="numeric-list-is-incorrect"),
        # matching: partial credit always
        pytest.param(
            matching(), {"p-fr": PARIS, "p-de": BERLIN, "p-it": ROME}, "3.00", "correct", id="matching-all-pairs"
        ),
        pytest.param(
            matching(), {"p-fr": PARIS, "p-de": ROME, "p-it": BERLIN}, "1.00", "partial", id="matching-one-of-three"
        ),
        pytest.param(
            matching(), {"p-fr": BERLIN, "p-de": ROME, "p-it": PARIS}, "0.00", "incorrect", id="matching-none-right"
        ),
        pytest.param(matching(), {"p-fr": PARIS}, "1.00", "partial", id="matching-unmatched-rows-earn-nothing"),
        pytest.param(
            matching(),
            {"p-fr": PARIS, "p-de": PARIS, "p-it": PARIS},
            "1.00",
            "partial",
            id="matching-reused-option-judged-per-row",
        ),
        pytest.param(matching(), {}, "0.00", "unanswered", id="matching-empty-dict-is-unanswered"),
        pytest.param(
            matching(),
            {"p-fr": "p-fr", "p-de": "p-de", "p-it": "p-it"},
            "0.00",
            "incorrect",
            id="matching-pair-ids-as-options-are-unknown",
        ),
        pytest.param(matching(), {"p-es": PARIS}, "0.00", "incorrect", id="matching-unknown-left-is-incorrect"),
        pytest.param(matching(), {"p-fr": 1}, "0.00", "incorrect", id="matching-non-string-option-is-incorrect"),
        pytest.param(matching(), [PARIS, BERLIN, ROME], "0.00", "incorrect", id="matching-list-is-incorrect"),
        # ordering
        pytest.param(ordering(), ["i-1", "i-2", "i-3", "i-4"], "4.00", "correct", id="ordering-correct-order"),
        pytest.param(ordering(), ["i-1", "i-2", "i-4", "i-3"], "0.00", "incorrect", id="ordering-all-or-nothing"),
        pytest.param(
            ordering(True), ["i-1", "i-2", "i-4", "i-3"], "2.00", "partial", id="ordering-partial-per-position"
        ),
        pytest.param(
            ordering(True), ["i-4", "i-1", "i-2", "i-3"], "0.00", "incorrect", id="ordering-partial-shifted-by-one"
        ),
        pytest.param(ordering(True), [], "0.00", "unanswered", id="ordering-empty-is-unanswered"),
        pytest.param(
            ordering(True), ["i-1", "i-2", "i-3"], "0.00", "incorrect", id="ordering-missing-item-is-incorrect"
        ),
        pytest.param(
            ordering(True), ["i-1", "i-1", "i-3", "i-4"], "0.00", "incorrect", id="ordering-duplicate-is-incorrect"
        ),
        pytest.param(
            ordering(True), ["i-1", "i-2", "i-3", "i-9"], "0.00", "incorrect", id="ordering-unknown-id-is-incorrect"
        ),
        pytest.param(ordering(True), "i-1,i-2,i-3,i-4", "0.00", "incorrect", id="ordering-string-is-incorrect"),
        # essay: never auto-graded
        pytest.param(essay(), "Because…", "0.00", "needs_grading", id="essay-answer-needs-grading"),
        pytest.param(essay(), "", "0.00", "unanswered", id="essay-empty-scores-zero-at-once"),
        pytest.param(essay(), " \n ", "0.00", "unanswered", id="essay-blank-scores-zero-at-once"),
        pytest.param(essay(), {"text": "Because"}, "0.00", "incorrect", id="essay-non-string-is-incorrect"),
    ],
)
def test_grade_question_scores_each_response(question, response, score, status):
    result = grade_question(question, response)

    assert (result.score, result.status) == (Decimal(score), status)


@pytest.mark.parametrize(
    ("question", "response", "feedback"),
    [
        pytest.param(
            single_choice(), "c-paris", "Well done.\nParis is the capital.", id="correct-choice-adds-its-feedback"
        ),
        pytest.param(
            single_choice(), "c-lyon", "Not quite.\nLyon is the third city.", id="wrong-choice-adds-its-feedback"
        ),
        pytest.param(single_choice(), "c-nice", "Not quite.", id="choice-without-feedback-adds-no-blank-line"),
        pytest.param(single_choice(), None, "Not quite.", id="unanswered-gets-incorrect-feedback"),
        pytest.param(
            multiple_choice(True),
            ["c-4", "c-2"],
            "Not quite.\n2 is prime.\n4 is 2 × 2.",
            id="selected-choices-in-choice-order",
        ),
        pytest.param(
            multiple_choice(True),
            ["c-2", "c-3"],
            "Not quite.\n2 is prime.\n3 is prime.",
            id="partial-gets-incorrect-feedback",
        ),
        pytest.param(multiple_choice(), ["c-2", "c-x"], "Not quite.", id="malformed-gets-only-incorrect-feedback"),
        pytest.param(true_false(), True, "Well done.", id="no-choices-only-verdict"),
        pytest.param(essay(), "Because…", "", id="essay-awaiting-grader-has-no-feedback"),
        pytest.param(
            single_choice(feedback_correct="", feedback_incorrect=""), "c-nice", "", id="no-feedback-is-empty-string"
        ),
    ],
)
def test_feedback_joins_verdict_and_selected_choices(question, response, feedback):
    assert grade_question(question, response).feedback == feedback


@pytest.mark.parametrize(
    ("settings", "response", "status"),
    [
        pytest.param({}, "ada lovelace", "correct", id="case-ignored-by-default"),
        pytest.param({"case_sensitive": True}, "ada lovelace", "incorrect", id="case-sensitive-rejects-other-case"),
        pytest.param({"case_sensitive": True}, "Ada Lovelace", "correct", id="case-sensitive-accepts-same-case"),
        pytest.param({}, "  Ada   Lovelace \n", "correct", id="whitespace-stripped-and-collapsed"),
        pytest.param(
            {"accepted_answers": ["  Ada  Lovelace "]},
            "Ada Lovelace",
            "correct",
            id="whitespace-normalized-on-answer-too",
        ),
        pytest.param(
            {"normalize_whitespace": False}, "Ada  Lovelace", "incorrect", id="whitespace-kept-when-not-normalized"
        ),
        pytest.param(
            {"normalize_whitespace": False}, " Lovelace", "incorrect", id="leading-space-kept-when-not-normalized"
        ),
        pytest.param(
            {"accepted_answers": ["café"]}, "cafe\u0301", "correct", id="unicode-composed-forms-compare-equal"
        ),
        pytest.param(
            {"regex": r"(Countess )?Ada( King)?"}, "Countess Ada King", "correct", id="regex-fullmatch-is-correct"
        ),
        pytest.param({"regex": r"Ada"}, "Lovelace", "correct", id="accepted-answer-correct-beside-regex"),
        pytest.param({"regex": r"Ada"}, "Countess Ada", "incorrect", id="regex-must-match-whole-response"),
        pytest.param({"regex": r"countess ada"}, "COUNTESS ADA", "correct", id="regex-ignores-case-by-default"),
        pytest.param(
            {"regex": r"countess ada", "case_sensitive": True}, "COUNTESS ADA", "incorrect", id="regex-case-sensitive"
        ),
        pytest.param({"regex": r"countess ada"}, "  countess   ada ", "correct", id="regex-sees-normalized-whitespace"),
        pytest.param({"regex": r"a+"}, "a" * 1001, "incorrect", id="response-over-1000-chars-is-incorrect"),
        pytest.param({"regex": r"a+"}, "a" * 1000, "correct", id="response-of-1000-chars-is-graded"),
        pytest.param({"accepted_answers": [], "regex": ""}, "Ada", "incorrect", id="nothing-accepted-is-incorrect"),
    ],
)
def test_short_answer_rules(settings, response, status):
    assert grade_question(short_answer(**settings), response).status == status


@pytest.mark.parametrize(
    ("answer", "tolerance", "response", "status"),
    [
        pytest.param("3.14", "0.01", "3.15", "correct", id="exactly-at-upper-tolerance-is-correct"),
        pytest.param("3.14", "0.01", "3.13", "correct", id="exactly-at-lower-tolerance-is-correct"),
        pytest.param("3.14", "0.01", "3.1501", "incorrect", id="just-above-tolerance-is-incorrect"),
        pytest.param("3.14", "0.01", "3.1299", "incorrect", id="just-below-tolerance-is-incorrect"),
        pytest.param(0.3, 0.1, 0.4, "correct", id="float-data-compared-as-decimal-not-binary"),
        pytest.param("42", "0", "42", "correct", id="zero-tolerance-exact"),
        pytest.param("42", "0", "42.000", "correct", id="zero-tolerance-trailing-zeros"),
        pytest.param("42", "0", "42.001", "incorrect", id="zero-tolerance-rejects-any-difference"),
        pytest.param(42, 0, 42, "correct", id="integer-response"),
        pytest.param("42", "0", Decimal("42"), "correct", id="decimal-response"),
        pytest.param("42", "0", "  42\t", "correct", id="surrounding-whitespace-accepted"),
        pytest.param("42", "0", "+42", "correct", id="leading-plus-accepted"),
        pytest.param("-42", "0", "-42", "correct", id="negative-number"),
        pytest.param("1000.5", "0", "1,000.5", "correct", id="thousands-separator-accepted"),
        pytest.param("1234567", "0", "1,234,567", "correct", id="several-thousands-separators"),
        pytest.param("0.5", "0", ".5", "correct", id="leading-dot"),
        pytest.param("602000", "0", "6.02e5", "correct", id="exponent-notation"),
        pytest.param("15", "0", "1,5", "incorrect", id="comma-not-in-thousands-groups-is-unparseable"),
        pytest.param("1000", "0", "10,00", "incorrect", id="misplaced-separator-is-unparseable"),
        pytest.param("1000", "0", "1_000", "incorrect", id="underscore-separator-is-unparseable"),
        pytest.param("42", "0", "42 m", "incorrect", id="units-are-unparseable"),
        pytest.param("42", "0", "++42", "incorrect", id="double-sign-is-unparseable"),
        pytest.param("42", "0", "NaN", "incorrect", id="nan-string-is-incorrect"),
        pytest.param("42", "0", float("nan"), "incorrect", id="nan-float-is-incorrect"),
        pytest.param("42", "0", "Infinity", "incorrect", id="infinity-is-incorrect"),
        pytest.param("42", "0", "1e999999999", "incorrect", id="overflowing-exponent-is-incorrect"),
        pytest.param("42", "0", "4" * 101, "incorrect", id="over-long-number-is-incorrect"),
        pytest.param("1", "0", True, "incorrect", id="boolean-is-not-a-number"),
    ],
)
def test_numeric_rules(answer, tolerance, response, status):
    assert grade_question(numeric(answer=answer, tolerance=tolerance), response).status == status


@pytest.mark.parametrize(
    ("manual_score", "score", "status"),
    [
        pytest.param("10", "10.00", "correct", id="full-points-is-correct"),
        pytest.param(Decimal("7.5"), "7.50", "partial", id="some-points-is-partial"),
        pytest.param(0, "0.00", "incorrect", id="zero-is-incorrect"),
        pytest.param("12", "10.00", "correct", id="above-max-clamped-to-max"),
        pytest.param("-3", "0.00", "incorrect", id="below-zero-clamped-to-zero"),
        pytest.param("3.333", "3.33", "partial", id="quantized-to-cents"),
        pytest.param(None, "0.00", "needs_grading", id="none-means-not-graded-yet"),
    ],
)
def test_essay_manual_score(manual_score, score, status):
    result = grade_attempt([essay()], {"q-essay": "Because…"}, {"q-essay": manual_score})

    assert (result.results[0].score, result.results[0].status) == (Decimal(score), status)


def test_manual_score_is_applied_even_to_an_empty_essay():
    result = grade_attempt([essay()], {}, {"q-essay": "4"})

    assert (result.results[0].score, result.results[0].status) == (Decimal("4.00"), "partial")


def test_graded_essay_gets_verdict_feedback():
    assert grade_question(essay(), "Because…", manual_score="10").feedback == "Well done."


@pytest.mark.parametrize(
    ("questions", "responses", "manual_scores", "expected"),
    [
        pytest.param(
            [single_choice(), true_false()],
            {"q-single": "c-paris", "q-true-false": True},
            None,
            ("3.00", "3.00", "100.00", False),
            id="all-correct-is-100-percent",
        ),
        pytest.param(
            [single_choice(), true_false()],
            {"q-single": "c-paris"},
            None,
            ("2.00", "3.00", "66.67", False),
            id="missing-response-is-unanswered-and-percent-rounds-half-up",
        ),
        pytest.param(
            [single_choice(), true_false()],
            {"q-true-false": True},
            None,
            ("1.00", "3.00", "33.33", False),
            id="percent-rounds-down-below-half",
        ),
        pytest.param(
            [multiple_choice(True, points="1"), true_false(points="7")],
            {"q-multiple": ["c-2", "c-3"]},
            None,
            ("0.67", "8.00", "8.38", False),
            id="percent-from-rounded-question-scores",
        ),
        pytest.param(
            [single_choice(), essay()],
            {"q-single": "c-paris", "q-essay": "Because…"},
            None,
            ("2.00", "12.00", "16.67", True),
            id="essay-without-manual-score-needs-grading",
        ),
        pytest.param(
            [single_choice(), essay()],
            {"q-single": "c-paris", "q-essay": "Because…"},
            {"q-essay": "7"},
            ("9.00", "12.00", "75.00", False),
            id="manual-score-completes-the-grade",
        ),
        pytest.param(
            [single_choice(), essay()],
            {"q-single": "c-paris", "q-essay": ""},
            None,
            ("2.00", "12.00", "16.67", False),
            id="empty-essay-does-not-wait-for-a-grader",
        ),
        pytest.param(
            [single_choice()],
            {"q-single": "c-paris", "q-not-drawn": "x"},
            None,
            ("2.00", "2.00", "100.00", False),
            id="responses-to-undrawn-questions-ignored",
        ),
        pytest.param([], {}, None, ("0.00", "0.00", "0.00", False), id="no-questions-is-zero-percent"),
    ],
)
def test_grade_attempt_totals(questions, responses, manual_scores, expected):
    result = grade_attempt(questions, responses, manual_scores)

    score, max_score, percent, needs_grading = expected
    assert (result.score, result.max_score, result.percent, result.needs_grading) == (
        Decimal(score),
        Decimal(max_score),
        Decimal(percent),
        needs_grading,
    )


def test_grade_attempt_keeps_question_order():
    questions = [true_false(), single_choice(), essay()]

    result = grade_attempt(questions, {})

    assert [r.question_id for r in result.results] == ["q-true-false", "q-single", "q-essay"]


def _attempt(percent, needs_grading=False):
    return AttemptResult(Decimal("0"), Decimal("10"), Decimal(percent), needs_grading, ())


@pytest.mark.parametrize(
    ("percent", "pass_mark", "passed"),
    [
        pytest.param("70.00", 70, True, id="percent-equal-to-pass-mark-passes"),
        pytest.param("69.99", 70, False, id="one-cent-below-pass-mark-fails"),
        pytest.param("70.01", "70", True, id="above-pass-mark-passes"),
        pytest.param("66.67", "66.67", True, id="decimal-pass-mark-at-boundary"),
        pytest.param("66.66", 66.67, False, id="float-pass-mark-read-as-written"),
        pytest.param("0.00", 0, True, id="zero-pass-mark-always-passes"),
        pytest.param("100.00", 100, True, id="full-marks-pass-100"),
    ],
)
def test_is_passed_at_the_boundary(percent, pass_mark, passed):
    assert is_passed(_attempt(percent), pass_mark) is passed


def test_is_passed_is_unknown_while_an_essay_awaits_grading():
    assert is_passed(_attempt("100.00", needs_grading=True), 50) is None


def test_attempt_rounded_to_pass_mark_passes():
    # 139.99 of 200 points is 69.995%, shown as 70.00%: the shown figure decides.
    question = _question("essay", "q-long", points="200")

    result = grade_attempt([question], {"q-long": "…"}, {"q-long": "139.99"})

    assert (result.percent, is_passed(result, 70)) == (Decimal("70.00"), True)


ALL_TYPES = [
    pytest.param(single_choice(), id="single_choice"),
    pytest.param(multiple_choice(True), id="multiple_choice"),
    pytest.param(true_false(), id="true_false"),
    pytest.param(short_answer(regex="Ada( King)?"), id="short_answer"),
    pytest.param(numeric(), id="numeric"),
    pytest.param(matching(), id="matching"),
    pytest.param(ordering(True), id="ordering"),
    pytest.param(essay(), id="essay"),
]


@pytest.mark.parametrize("question", ALL_TYPES)
@pytest.mark.parametrize(
    "secret", ["correct", "accepted_answers", "regex", "answer", "tolerance", "feedback", "rubric"]
)
def test_public_question_leaks_no_answer_key(question, secret):
    # Quoted, so the type name "short_answer" does not count as the key "answer".
    assert f'"{secret}"' not in json.dumps(public_question(question))


@pytest.mark.parametrize("question", ALL_TYPES)
def test_public_question_leaks_no_answer_value(question):
    dumped = json.dumps(public_question(question))

    secrets = ["Well done.", "Not quite.", "Two arguments", "Ada", "Lovelace", "3.14", "0.01", "is prime"]
    assert [secret for secret in secrets if secret in dumped] == []


@pytest.mark.parametrize(
    ("question", "public"),
    [
        pytest.param(
            true_false(),
            {"id": "q-true-false", "type": "true_false", "points": "1.00", "prompt": "<p>Prompt of q-true-false</p>"},
            id="true-false-is-just-the-prompt",
        ),
        pytest.param(
            essay(),
            {"id": "q-essay", "type": "essay", "points": "10.00", "prompt": "<p>Prompt of q-essay</p>"},
            id="essay-hides-its-rubric",
        ),
    ],
)
def test_public_question_shape(question, public):
    assert public_question(question) == public


def test_public_choices_keep_id_and_text_in_author_order():
    assert public_question(single_choice())["choices"] == [
        {"id": "c-paris", "text": "Paris"},
        {"id": "c-lyon", "text": "Lyon"},
        {"id": "c-nice", "text": "Nice"},
    ]


def test_public_matching_splits_left_and_right_sorted_by_text():
    public = public_question(matching())

    assert (public["left"], public["right"]) == (
        [{"id": "p-fr", "text": "France"}, {"id": "p-de", "text": "Germany"}, {"id": "p-it", "text": "Italy"}],
        [{"id": BERLIN, "text": "Berlin"}, {"id": PARIS, "text": "Paris"}, {"id": ROME, "text": "Rome"}],
    )


def test_public_matching_option_ids_are_not_pair_ids():
    public = public_question(matching())

    assert {o["id"] for o in public["right"]} & {p["id"] for p in matching()["pairs"]} == set()


def test_public_matching_merges_identical_right_texts():
    question = _question(
        "matching",
        "q-animals",
        pairs=[
            {"id": "p-cat", "left": "Cat", "right": "Mammal"},
            {"id": "p-dog", "left": "Dog", "right": "Mammal"},
            {"id": "p-eel", "left": "Eel", "right": "Fish"},
        ],
    )
    mammal, fish = option("Mammal"), option("Fish")

    right = public_question(question)["right"]
    result = grade_question(question, {"p-cat": mammal, "p-dog": mammal, "p-eel": fish})

    assert (right, result.status) == ([{"id": fish, "text": "Fish"}, {"id": mammal, "text": "Mammal"}], "correct")


def test_public_ordering_keeps_given_order_for_the_caller_to_shuffle():
    assert [item["id"] for item in public_question(ordering())["items"]] == ["i-1", "i-2", "i-3", "i-4"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        pytest.param(single_choice(), "c-paris", id="single_choice"),
        pytest.param(multiple_choice(), ["c-2", "c-3", "c-5"], id="multiple_choice"),
        pytest.param(true_false(correct=False), False, id="true_false"),
        pytest.param(short_answer(), "Ada Lovelace", id="short_answer-first-accepted"),
        pytest.param(numeric(answer=0.5), "0.5", id="numeric-as-string"),
        pytest.param(matching(), {"p-fr": PARIS, "p-de": BERLIN, "p-it": ROME}, id="matching"),
        pytest.param(ordering(), ["i-1", "i-2", "i-3", "i-4"], id="ordering"),
        pytest.param(essay(), None, id="essay-has-none"),
        pytest.param(short_answer(accepted_answers=[], regex="Ada.*"), None, id="short_answer-regex-only-has-none"),
    ],
)
def test_correct_answer(question, answer):
    assert correct_answer(question) == answer


@pytest.mark.parametrize("question", [q for q in ALL_TYPES if q.id != "essay"])
def test_correct_answer_earns_full_points(question):
    result = grade_question(question, correct_answer(question))

    assert (result.status, result.score) == ("correct", result.max_score)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: grade_question({**true_false(), "type": "poll"}, True),
            "Unknown question type",
            id="grade-unknown-type",
        ),
        pytest.param(
            lambda: public_question({**true_false(), "type": "poll"}), "Unknown question type", id="public-unknown-type"
        ),
        pytest.param(
            lambda: correct_answer({**true_false(), "type": "poll"}), "Unknown question type", id="answer-unknown-type"
        ),
        pytest.param(lambda: grade_question(true_false(points="0"), True), "more than 0 points", id="zero-points"),
        pytest.param(lambda: grade_question(true_false(points="-1"), True), "more than 0 points", id="negative-points"),
        pytest.param(
            lambda: grade_question(true_false(points="lots"), True), "must be a number", id="points-not-a-number"
        ),
        pytest.param(lambda: grade_question(short_answer(regex="(unclosed"), "x"), "invalid regex", id="invalid-regex"),
        pytest.param(
            lambda: grade_question(numeric(tolerance="-0.1"), "3"), "negative tolerance", id="negative-tolerance"
        ),
        pytest.param(
            lambda: grade_question(true_false(), True, manual_score="1"),
            "only essays",
            id="manual-score-on-auto-graded",
        ),
        pytest.param(
            lambda: grade_question(essay(), "x", manual_score="ten"), "must be a number", id="manual-score-not-a-number"
        ),
        pytest.param(
            lambda: grade_attempt([essay()], {}, {"q-other": "1"}), "not in this attempt", id="manual-score-for-undrawn"
        ),
        pytest.param(
            lambda: grade_attempt([true_false(), true_false()], {}),
            "same question id twice",
            id="duplicate-question-ids",
        ),
        pytest.param(lambda: is_passed(_attempt("50"), 101), "between 0 and 100", id="pass-mark-above-100"),
        pytest.param(lambda: is_passed(_attempt("50"), "NaN"), "finite", id="pass-mark-nan"),
    ],
)
def test_programming_errors_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_results_are_frozen():
    result = grade_question(true_false(), True)

    with pytest.raises(FrozenInstanceError):
        result.score = Decimal("100")  # type: ignore[misc]
