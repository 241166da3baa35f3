"""Whether a change between two periods is more than chance, in words a board member can use
(issue 13, Build 4; the seeds ask for "evidence of a statistically significant impact").

A report card compares each indicator with the previous period and the same period last year. A
change is claimed only with a named test and its p-value:

- a **rate** (so many out of so many) is compared with Fisher's exact test on the two-by-two
  table of those counted and those not, now and then. It is exact, so it holds for the small
  numbers a team or an area has, where the chi-squared test's approximation does not;
- a **count** (step-ups, say) is compared with the exact test for two Poisson counts: given the
  total of both periods, the share that fell in this period follows a binomial distribution
  whose chance is this period's share of the days. That allows for periods of different lengths
  (a year earlier may have a 29 February).

Nothing is compared when either side is suppressed: a test on a hidden number would give it away.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats as scipy_stats

from reporting.indicators.base import Better, Result

SIGNIFICANCE = 0.05  # the conventional line; a board reads "less than 5 times in 100"

FISHER = "Fisher's exact test"
POISSON = "Exact test for two Poisson counts"

UP, DOWN, SAME = "up", "down", "same"


@dataclass(frozen=True)
class Comparison:
    test: str
    p_value: float
    significant: bool
    direction: str  # UP, DOWN or SAME
    # "better" or "worse" when the change is significant and the indicator says which way is
    # better; otherwise None (no claim is made).
    verdict: str | None
    sentence: str

    @property
    def p_text(self) -> str:
        return format_p(self.p_value)


def format_p(p_value: float) -> str:
    """``p = 0.012``, ``p = 0.41``, ``p < 0.001``: two significant figures, never rounded across
    the line of significance (0.0496 is not shown as 0.05)."""
    if p_value < 0.001:
        return "p < 0.001"
    text = f"{p_value:.2g}"
    if p_value < SIGNIFICANCE <= float(text):
        text = f"{p_value:.3g}"
    return f"p = {text}"


def _chance(p_value: float) -> str:
    """How often chance alone would give a change this large, in whole times out of 100 or
    1,000 (always an upper bound, so "less than" is true)."""
    if p_value < 0.001:
        return "less than 1 time in 1,000"
    if p_value < 0.01:
        return f"less than {int(p_value * 1000) + 1} times in 1,000"
    return f"less than {int(p_value * 100) + 1} times in 100"


def _explain(test: str, p_value: float, significant: bool, direction: str) -> str:
    said = f"{test} gives {format_p(p_value)}"
    if direction == SAME:
        return f"{said}: there is no change to explain."
    if significant:
        return (
            f"{said}: a change this large would happen by chance {_chance(p_value)}, "
            "so it is unlikely to be chance."
        )
    if p_value >= 0.2:
        return (
            f"{said}: a change this large could easily happen by chance, "
            "so we cannot say things have changed."
        )
    return (
        f"{said}: a change this large would happen by chance about {round(p_value * 100)} "
        "times in 100, so we cannot say things have changed."
    )


def _verdict(direction: str, significant: bool, better: str) -> str | None:
    if not significant or direction == SAME or better == Better.NEITHER:
        return None
    return "better" if (direction == UP) == (better == Better.HIGHER) else "worse"


def _percent(numerator: int, denominator: int) -> str:
    return f"{round(100 * numerator / denominator, 1):g}%"


def _direction(now: float, then: float) -> str:
    if now > then:
        return UP
    return DOWN if now < then else SAME


def _movement(direction: str, then_text: str, now_text: str) -> str:
    if direction == SAME and then_text == now_text:
        return f"No change: {now_text} in both periods."
    if direction == SAME:
        return f"No change in the rate per day: {then_text} before, {now_text} now."
    return f"{'Up' if direction == UP else 'Down'} from {then_text} to {now_text}."


def not_compared(now: Result, then: Result) -> str:
    """Why ``compare`` gave None for these two, in words for the card."""
    if now.suppressed or then.suppressed:
        return "Not compared: a number is too small to show."
    if now.is_rate and then.is_rate and not (now.denominator and then.denominator):
        return "Not compared: there was nothing to count in one of the periods."
    if not now.is_rate and not then.is_rate and now.numerator == then.numerator == 0:
        return "No change: none in either period."
    return "Not compared."


def compare(
    now: Result,
    then: Result,
    *,
    now_days: int,
    then_days: int,
    better: str = Better.NEITHER,
) -> Comparison | None:
    """This period's result against an earlier one's, or None when there is nothing fair to
    compare (either suppressed, a rate out of nothing, or no events in either period)."""
    if now_days < 1 or then_days < 1:
        raise ValueError("A period has at least one day")
    if now.suppressed or then.suppressed or now.is_rate != then.is_rate:
        return None
    if now.is_rate:
        if not now.denominator or not then.denominator:
            return None
        test = FISHER
        table = [
            [now.numerator, now.denominator - now.numerator],
            [then.numerator, then.denominator - then.numerator],
        ]
        p_value = scipy_stats.fisher_exact(table, alternative="two-sided").pvalue
        # Compared as fractions cross-multiplied, so equal shares are equal exactly.
        direction = _direction(now.numerator * then.denominator, then.numerator * now.denominator)
        then_text = _percent(then.numerator, then.denominator)
        now_text = _percent(now.numerator, now.denominator)
    else:
        if now.numerator == 0 and then.numerator == 0:
            return None
        test = POISSON
        total = now.numerator + then.numerator
        p_value = scipy_stats.binomtest(
            now.numerator, total, p=now_days / (now_days + then_days), alternative="two-sided"
        ).pvalue
        # Per day, so a longer period is not "up" just for being longer.
        direction = _direction(now.numerator * then_days, then.numerator * now_days)
        if now_days == then_days:
            then_text, now_text = f"{then.numerator:,}", f"{now.numerator:,}"
        else:
            then_text = f"{then.numerator:,} in {then_days} days"
            now_text = f"{now.numerator:,} in {now_days} days"
    p_value = min(float(p_value), 1.0)  # the sum of probabilities can pass 1 by a rounding error
    significant = p_value < SIGNIFICANCE
    verdict = _verdict(direction, significant, better)
    sentence = " ".join(
        [_movement(direction, then_text, now_text), _explain(test, p_value, significant, direction)]
    )
    if verdict:
        sentence += f" This is {verdict}."
    return Comparison(
        test=test,
        p_value=p_value,
        significant=significant,
        direction=direction,
        verdict=verdict,
        sentence=sentence,
    )
