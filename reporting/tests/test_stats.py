"""The tests behind a report card's "change": p-values worked out here by hand (the hypergeometric
and binomial sums with ``math.comb``) or from the textbook, and the sentences a board reads."""

from datetime import date
from math import comb

import pytest

from reporting.indicators import Better, Period, Result
from reporting.stats import DOWN, FISHER, POISSON, SAME, UP, compare, format_p, not_compared

QUARTER = 91  # days, for periods of the same length


def rate(numerator, denominator, small_number=1):
    # small_number=1 so that nothing is suppressed unless a test says so.
    return Result("r", "R", "", numerator, denominator, small_number=small_number)


def count(numerator, small_number=1):
    return Result("c", "C", "", numerator, small_number=small_number)


# ------------------------------------------------------------------------ Fisher's exact test


def test_the_tea_tasting_table_gives_the_textbook_p_value():
    # Fisher's lady tasting tea: 3 of 4 right against 1 of 4. The tables with the same margins
    # have chances 1, 16, 36, 16, 1 in 70; those no likelier than 16 in 70 add up to 34 in 70.
    found = compare(rate(3, 4), rate(1, 4), now_days=QUARTER, then_days=QUARTER)

    assert found.test == FISHER == "Fisher's exact test"
    assert found.p_value == pytest.approx(34 / 70) == pytest.approx(0.4857, abs=1e-4)
    assert (found.significant, found.direction, found.verdict) == (False, UP, None)
    assert found.sentence == (
        "Up from 25% to 75%. Fisher's exact test gives p = 0.49: a change this large could "
        "easily happen by chance, so we cannot say things have changed."
    )


def _hypergeometric_two_sided(now, then, size):
    """Two samples of ``size``: the chance of each split of the successes, and the sum of those
    no likelier than the split seen."""
    successes = now + then
    chance = [
        comb(size, k) * comb(size, successes - k)
        for k in range(max(0, successes - size), min(size, successes) + 1)
    ]
    seen = comb(size, now) * comb(size, successes - now)
    return sum(c for c in chance if c <= seen) / comb(2 * size, size)


def test_a_real_change_in_a_rate_is_named_with_its_p_value_and_whether_it_is_better():
    expected = _hypergeometric_two_sided(8, 2, 10)
    assert expected == pytest.approx(4252 / 184756)  # (1 + 100 + 2025) * 2 out of C(20, 10)

    found = compare(rate(8, 10), rate(2, 10), now_days=92, then_days=92, better=Better.HIGHER)

    assert found.p_value == pytest.approx(expected)
    assert (found.significant, found.direction, found.verdict) == (True, UP, "better")
    assert found.sentence == (
        "Up from 20% to 80%. Fisher's exact test gives p = 0.023: a change this large would "
        "happen by chance less than 3 times in 100, so it is unlikely to be chance. "
        "This is better."
    )
    worse = compare(rate(8, 10), rate(2, 10), now_days=92, then_days=92, better=Better.LOWER)
    assert worse.verdict == "worse" and worse.sentence.endswith("This is worse.")
    neither = compare(rate(8, 10), rate(2, 10), now_days=92, then_days=92)
    assert neither.verdict is None and neither.sentence.endswith("unlikely to be chance.")


def test_a_fall_that_is_good_news_is_down_and_better():
    found = compare(rate(0, 10), rate(10, 10), now_days=QUARTER, then_days=QUARTER, better="lower")

    assert found.p_value == pytest.approx(2 / comb(20, 10))  # only the two extreme tables
    assert found.p_text == "p < 0.001"
    assert (found.direction, found.verdict) == (DOWN, "better")
    assert found.sentence == (
        "Down from 100% to 0%. Fisher's exact test gives p < 0.001: a change this large would "
        "happen by chance less than 1 time in 1,000, so it is unlikely to be chance. "
        "This is better."
    )


def test_the_same_share_is_no_change():
    found = compare(rate(5, 10), rate(10, 20), now_days=QUARTER, then_days=QUARTER)

    assert (found.direction, found.p_value, found.significant) == (SAME, 1.0, False)
    assert found.sentence == (
        "No change: 50% in both periods. Fisher's exact test gives p = 1: there is no change "
        "to explain."
    )


# ---------------------------------------------------------------- the exact test for counts


def _binomial_two_sided(k, n, p):
    chance = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return sum(c for c in chance if c <= chance[k] * (1 + 1e-7))


def test_step_ups_5_then_20_in_periods_of_the_same_length():
    # Of 25, the chance that 20 or more (or 5 or fewer) fell in one half: 2 * 68,406 / 2 ** 25.
    expected = 2 * sum(comb(25, k) for k in range(20, 26)) / 2**25
    assert expected == pytest.approx(0.0040773, abs=1e-7)

    found = compare(count(20), count(5), now_days=QUARTER, then_days=QUARTER)

    assert found.test == POISSON == "Exact test for two Poisson counts"
    assert found.p_value == pytest.approx(expected)
    assert (found.significant, found.direction, found.verdict) == (True, UP, None)
    assert found.sentence == (
        "Up from 5 to 20. Exact test for two Poisson counts gives p = 0.0041: a change this "
        "large would happen by chance less than 5 times in 1,000, so it is unlikely to be chance."
    )


def test_a_change_that_could_be_chance_says_so_with_how_often():
    expected = 2 * sum(comb(21, k) for k in range(15, 22)) / 2**21  # 2 * 82,160 / 2 ** 21
    assert expected == pytest.approx(0.07835, abs=1e-5)

    found = compare(count(15), count(6), now_days=QUARTER, then_days=QUARTER, better="higher")

    assert found.p_value == pytest.approx(expected)
    assert (found.significant, found.verdict) == (False, None)
    assert found.sentence == (
        "Up from 6 to 15. Exact test for two Poisson counts gives p = 0.078: a change this large "
        "would happen by chance about 8 times in 100, so we cannot say things have changed."
    )


def test_periods_of_different_lengths_are_compared_per_day():
    # 12 in 60 days against 3 in 30: of the 15, each fell in the longer period with chance 2/3.
    found = compare(count(12), count(3), now_days=60, then_days=30)

    assert found.p_value == pytest.approx(_binomial_two_sided(12, 15, 2 / 3))
    assert found.direction == UP
    assert found.sentence.startswith("Up from 3 in 30 days to 12 in 60 days.")
    # Twice the days and twice the count is no change at all (10 is the likeliest of 15).
    same = compare(count(10), count(5), now_days=60, then_days=30)
    assert (same.direction, same.p_value) == (SAME, pytest.approx(1.0))
    assert same.sentence == (
        "No change in the rate per day: 5 in 30 days before, 10 in 60 days now. Exact test for "
        "two Poisson counts gives p = 1: there is no change to explain."
    )
    # Taken as the same length, 10 against 5 would be a rise.
    assert compare(count(10), count(5), now_days=30, then_days=30).direction == UP


def test_a_leap_february_against_the_february_before():
    now = Period(date(2028, 2, 1), date(2028, 2, 29))
    then = now.year_before()
    assert (now.days, then.days) == (29, 28)

    found = compare(count(29), count(28), now_days=now.days, then_days=then.days)

    assert found.direction == SAME  # one a day in each
    assert found.p_value == pytest.approx(1.0)


# ------------------------------------------------------------------------- nothing to compare


SMALL = "Not compared: a number is too small to show."
EMPTY = "Not compared: there was nothing to count in one of the periods."


@pytest.mark.parametrize(
    ("now", "then", "why"),
    [
        (rate(3, 10, small_number=5), rate(6, 10, small_number=5), SMALL),  # 3 is small
        (rate(6, 10, small_number=5), rate(0, 4, small_number=5), SMALL),  # 4 is small
        (count(20, small_number=5), count(2, small_number=5), SMALL),  # 2 is small
        (rate(0, 0), rate(5, 10), EMPTY),  # a rate out of nothing
        (rate(5, 10), rate(0, 0), EMPTY),
        (count(0), count(0), "No change: none in either period."),
        (rate(5, 10), count(5), "Not compared."),  # not the same kind of thing
    ],
)
def test_suppressed_or_empty_results_are_not_compared_and_say_why(now, then, why):
    assert compare(now, then, now_days=QUARTER, then_days=QUARTER) is None
    assert not_compared(now, then) == why


def test_none_then_and_some_now_is_still_compared():
    found = compare(count(7), count(0), now_days=QUARTER, then_days=QUARTER)
    assert found.p_value == pytest.approx(2 * 0.5**7)  # all 7 in one half, either half
    assert found.direction == UP and found.significant


def test_a_period_has_days():
    with pytest.raises(ValueError):
        compare(count(7), count(5), now_days=0, then_days=QUARTER)


@pytest.mark.parametrize(
    ("p_value", "text"),
    [
        (0.4857, "p = 0.49"),
        (0.012, "p = 0.012"),
        (0.0496, "p = 0.0496"),  # not rounded up to the line
        (0.05, "p = 0.05"),
        (0.001, "p = 0.001"),
        (0.00099, "p < 0.001"),
        (1.0, "p = 1"),
    ],
)
def test_p_values_are_shown_to_two_figures_or_as_less_than_a_thousandth(p_value, text):
    assert format_p(p_value) == text
