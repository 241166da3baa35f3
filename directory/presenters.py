"""Directory records in plain English for the find support pages: when a service runs, what it
costs, where it is and who it is for."""

from __future__ import annotations

import datetime
import re

from directory import models as m

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last"}


def time_in_words(text: str) -> str:
    """ "10:00" -> "10am", "13:30" -> "1:30pm", "12:00" -> "midday" (GOV.UK style)."""
    found = re.match(r"^(\d{1,2}):(\d{2})", text or "")
    if not found:
        return (text or "").strip()
    hour, minute = int(found[1]), int(found[2])
    if hour > 23 or minute > 59:
        return text.strip()
    if (hour, minute) == (12, 0):
        return "midday"
    if (hour, minute) == (0, 0):
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _date_in_words(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _ordinal_day(number: str) -> str:
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _days(byday: str, freq: str) -> str:
    plural, monthly = [], []
    for part in [p.strip().upper() for p in (byday or "").split(",") if p.strip()]:
        found = re.match(r"^([+-]?\d)?([A-Z]{2})$", part)
        if not found or found[2] not in DAYS:
            continue
        if found[1] and found[1].lstrip("+") in ORDINALS:
            monthly.append(f"the {ORDINALS[found[1].lstrip('+')]} {DAYS[found[2]]}")
        else:
            plural.append(f"{DAYS[found[2]]}s")
    if monthly:
        words = f"{_join(monthly)} of the month"
        return words[0].upper() + words[1:]
    if plural:
        return _join(plural)
    return ""


def schedule_in_words(schedule: m.Schedule) -> str:
    """ "Tuesdays, 10am to midday"; "The first Monday of the month, 1pm to 3pm"; a one-off date
    ("Thursday 10 December 2026, 10am to midday"); else the schedule's own description."""
    hours = ""
    if schedule.opens_at and schedule.closes_at:
        hours = f"{time_in_words(schedule.opens_at)} to {time_in_words(schedule.closes_at)}"
    elif schedule.opens_at:
        hours = f"from {time_in_words(schedule.opens_at)}"
    freq = (schedule.freq or "").upper()
    when = ""
    if freq in ("WEEKLY", "MONTHLY", ""):
        when = _days(schedule.byday, freq)
    if not when and freq == "MONTHLY" and schedule.bymonthday:
        numbers = [n.strip() for n in schedule.bymonthday.split(",") if n.strip().isdigit()]
        if numbers:
            when = "The " + _join([_ordinal_day(n) for n in numbers]) + " of each month"
    if not when and freq == "" and _date(schedule.dtstart):
        when = _date_in_words(_date(schedule.dtstart))
    if not when and freq == "DAILY":
        when = "Every day"
    if when and schedule.interval and schedule.interval > 1 and freq == "WEEKLY":
        when = f"{when}, every {int(schedule.interval)} weeks"
    parts = [p for p in (when, hours) if p]
    if not parts:
        return (schedule.description or "").strip()
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:]


def schedule_dates(schedule: m.Schedule) -> str:
    """ "From 1 January 2027 until 31 March 2027", when the schedule gives either."""
    start, end = _date(schedule.valid_from), _date(schedule.valid_to)
    if start and end:
        return f"From {start.day} {start:%B %Y} until {end.day} {end:%B %Y}"
    if start:
        return f"From {start.day} {start:%B %Y}"
    if end:
        return f"Until {end.day} {end:%B %Y}"
    return ""


def money(amount: float) -> str:
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def cost_option_in_words(option: m.CostOption) -> str:
    if option.amount is None:
        return option.option or option.amount_description or "Ask the service"
    if option.amount == 0:
        return f"Free ({option.option})" if option.option else "Free"
    words = money(option.amount)
    if option.option:
        words += f" ({option.option})"
    return words


def cost_summary(options: list[m.CostOption], fees: str) -> str:
    """One line: "Free", "£3", "From £2", or "Ask the service about costs"."""
    amounts = [o.amount for o in options if o.amount is not None]
    if amounts and all(a == 0 for a in amounts) and not fees:
        return "Free"
    paid = sorted(a for a in amounts if a > 0)
    if paid:
        cheapest = money(paid[0]) if len(set(paid)) == 1 else f"from {money(paid[0])}"
        words = f"Free, or {cheapest}" if 0 in amounts else cheapest
        return words[0].upper() + words[1:]
    if any("free" in (o.option or "").lower() for o in options) and not fees:
        return "Free"
    if fees:
        return "There may be a cost"
    return "Ask the service about costs"


def age_range(service: m.Service) -> str:
    low, high = service.minimum_age, service.maximum_age

    def years(value):
        return int(value) if float(value).is_integer() else value

    if low is not None and high is not None:
        return f"{years(low)} to {years(high)} years old"
    if low is not None:
        return f"{years(low)} years old and over"
    if high is not None:
        return f"Up to {years(high)} years old"
    return "All ages"


def address_line(address: m.Address) -> str:
    parts = [address.address_1, address.city, address.postal_code]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def miles(distance: float | None) -> str:
    if distance is None:
        return ""
    if distance < 0.1:
        return "less than 0.1 miles"
    return f"{distance:.1f} miles"


def first_line(text: str, limit: int = 200) -> str:
    """The description's first sentence or line, cut at a word under ``limit`` characters."""
    text = " ".join((text or "").split("\n")[0].split())
    found = re.match(r"^(.+?[.!?])(\s|$)", text)
    line = found[1] if found else text
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0] + "…"
    return line


def web_link(url: str) -> str:
    """The address if it is a web address (http or https), else "": a directory's text never
    becomes a javascript: or data: link."""
    url = (url or "").strip()
    return url if re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) else ""
