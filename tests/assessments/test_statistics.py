"""Item statistics over plain graded attempts: no database, one behaviour per row."""

from decimal import Decimal

import pytest

from assessments.statistics import ItemStatistics, item_statistics

FULL_1 = (Decimal("1"), Decimal("1"))
ZERO_1 = (Decimal("0"), Decimal("1"))
FULL_2 = (Decimal("2"), Decimal("2"))
HALF_2 = (Decimal("1"), Decimal("2"))
ZERO_2 = (Decimal("0"), Decimal("2"))


def attempt(percent, **scores):
    return Decimal(percent), scores


def stats(question_id, responses, difficulty, discrimination):
    return ItemStatistics(
        question_id,
        responses,
        None if difficulty is None else Decimal(difficulty),
        None if discrimination is None else Decimal(discrimination),
    )


# Five attempts drawing from a pool: q2 is missing from A4, q3 from A2.
# Each item has 4 or 5 attempts, so each group is round(0.27 × n) = 1 attempt:
# the lowest-scoring (A5) and the highest-scoring (A1) attempt that included the item.
#   q1: in all 5, full in A1 A2 A4 -> difficulty 3/5 = 0.60; A1 full, A5 not -> 1 - 0 = 1.00
#   q2: in 4, full in A1 A3 (A2 half counts as not full) -> 2/4 = 0.50; A1 full, A5 not -> 1.00
#   q3: in 4, full in A3 A5 -> 2/4 = 0.50; A1 not full, A5 full -> 0 - 1 = -1.00
POOLED_ATTEMPTS = [
    attempt("90", q1=FULL_1, q2=FULL_2, q3=ZERO_1),  # A1
    attempt("80", q1=FULL_1, q2=HALF_2),  # A2
    attempt("60", q1=ZERO_1, q2=FULL_2, q3=FULL_1),  # A3
    attempt("40", q1=FULL_1, q3=ZERO_1),  # A4
    attempt("20", q1=ZERO_1, q2=ZERO_2, q3=FULL_1),  # A5
]

# Ten attempts, so each group is round(2.7) = 3 attempts (flooring to 2 would give 0.50):
# full at 10, 80, 90 and 100 -> difficulty 4/10; upper 3/3 - lower 1/3 = 0.67.
TEN_ATTEMPTS = [
    attempt(str(percent), q=FULL_1 if percent in (10, 80, 90, 100) else ZERO_1) for percent in range(10, 101, 10)
]


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        pytest.param(
            POOLED_ATTEMPTS,
            [stats("q1", 5, "0.60", "1.00"), stats("q2", 4, "0.50", "1.00"), stats("q3", 4, "0.50", "-1.00")],
            id="hand-computed-pooled-example",
        ),
        pytest.param(TEN_ATTEMPTS, [stats("q", 10, "0.40", "0.67")], id="groups-are-27-percent-rounded"),
        pytest.param([], [], id="no-attempts-no-items"),
        pytest.param([attempt("100", q=FULL_1)], [stats("q", 1, "1.00", None)], id="one-attempt-has-no-discrimination"),
        pytest.param(
            [attempt("100", q=FULL_1), attempt("0", q=ZERO_1)],
            [stats("q", 2, "0.50", "1.00")],
            id="two-attempts-make-groups-of-one",
        ),
        pytest.param(
            [attempt("100", q=HALF_2), attempt("50", q=HALF_2)],
            [stats("q", 2, "0.00", "0.00")],
            id="partial-credit-is-not-full-points",
        ),
        pytest.param(
            [attempt("50", q=ZERO_1), attempt("50", q=FULL_1)],
            [stats("q", 2, "0.50", "1.00")],
            id="equal-percents-keep-input-order",
        ),
        pytest.param(
            [attempt("100", q=FULL_1), attempt("0", q=FULL_1), attempt("50", q=FULL_1)],
            [stats("q", 3, "1.00", "0.00")],
            id="everyone-right-does-not-discriminate",
        ),
        pytest.param(
            [attempt("90", q=FULL_1), attempt("60", q=FULL_1), attempt("30", q=ZERO_1)],
            [stats("q", 3, "0.67", "1.00")],
            id="difficulty-rounds-half-up-to-cents",
        ),
        pytest.param(
            [attempt("80", b=FULL_1, a=FULL_1), attempt("40", c=FULL_1, a=ZERO_1)],
            [stats("b", 1, "1.00", None), stats("a", 2, "0.50", "1.00"), stats("c", 1, "1.00", None)],
            id="items-in-order-of-first-appearance",
        ),
    ],
)
def test_item_statistics(attempts, expected):
    assert item_statistics(attempts) == expected
