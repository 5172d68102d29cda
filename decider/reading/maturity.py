"""Maturity (decision policy, sections 1 and 9.1): phases and the words of surveys and
published models, numbered scales, scores, months of practice and start dates."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from decider.context import ColumnContext, Formatted
from decider.policy import Policy, normalise_label
from decider.reading.base import (
    Reading,
    as_decimal,
    format_number,
    is_boolean,
    is_number,
    noted,
    refuse,
)
from decider.reading.levels import (
    SCALE,
    between_levels,
    numbered_name,
    on_scale,
    phase_label,
    scale_phase,
    settled,
)

_MONTH_RANGE = re.compile(r"(?P<low>\d+(?:[.,]\d+)?)\s*(?:-|–|to)\s*(?P<high>.+)")
_PERCENT = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s*%")
_MONTHS = r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:(?P<months>{months})|(?P<years>{years}))?"
_ISO_DATE = re.compile(r"(?:since |started |start )?(?P<y>\d{4})[-/.](?P<m>\d{1,2})"
                       r"(?:[-/.](?P<d>\d{1,2}))?")
_NAMED_DATE = re.compile(r"(?:since |started |start )?(?P<mon>[a-z]{3,9})\.? (?P<y>\d{4})")
_MONTH_NAMES = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9
_EXCEL_EPOCH = date(1899, 12, 30)
# A bare whole number in this range is a year as often as months: refused, naming both.
YEARS = (1950, 2100)


def read_maturity(policy: Policy, value: Any, context: ColumnContext) -> Reading:
    if isinstance(value, Formatted):
        if value.date:
            return _serial_date(policy, value.value, value, context)
        if value.percent and is_number(value.value) and math.isfinite(value.value):
            return _score(policy, as_decimal(value.value) * 100, value.value,
                          f"formatted {value.format_code}")
        if value.months and is_number(value.value) and math.isfinite(value.value):
            return _formatted_time(policy, as_decimal(value.value), value)
        value = value.value
    if isinstance(value, datetime | date):
        start = value.date() if isinstance(value, datetime) else value
        return _since(policy, start, value, context)
    if is_boolean(value) or not (is_number(value) or isinstance(value, str)):
        return refuse(policy, "maturity", value, f"({type(value).__name__}) is not a maturity")
    if is_number(value):
        if not math.isfinite(value):
            return refuse(policy, "maturity", value)
        return _bare_number(policy, as_decimal(value), value, context)
    return _text(policy, value, context)


def _bare_number(policy: Policy, number: Decimal, value: Any, context: ColumnContext
                 ) -> Reading:
    """A number with no word: a score, a level or months, as its column says."""
    if context.score:
        if 0 < number < 1 and number != number.to_integral_value():
            return refuse(policy, "maturity", value, "could be a fraction (×100) or a score out "
                                                     "of 100: write it as a percentage")
        return _score(policy, number, value, context.origin)
    if context.levels:
        return _level(policy, number, context.levels, value, context.origin, context.lowest)
    if context.unit is not None and context.unit.multiplier != 1 and not (
            YEARS[0] <= number <= YEARS[1]):  # "Year of AI adoption": 2021 is no duration
        months = number * context.unit.multiplier
        reading = _months(policy, months, value)
        if reading.error is not None:
            return reading
        return noted(reading, "maturity", value,
                     f"read as {format_number(number)} years ({context.unit.origin}) ➜ "
                     f"{format_number(months)} months")
    if YEARS[0] <= number <= YEARS[1] and number == number.to_integral_value():
        year = int(number)
        return refuse(policy, "maturity", value,
                      f"could be the year practice started or {year} months: write the start "
                      f"as a month ({year}-06) or the months with their unit")
    return _months(policy, number, value)


def _formatted_time(policy: Policy, number: Decimal, value: Formatted) -> Reading:
    """A number whose format gives its time unit (`0" yrs"`): months of practice."""
    months = number * (value.months or 1)
    reading = _months(policy, months, value.value)
    if reading.error is not None or value.months == 1:
        return reading
    return noted(reading, "maturity", value.value,
                 f"read as {format_number(number)} years (the number format "
                 f"{value.format_code}) ➜ {format_number(months)} months")


def _months(policy: Policy, months: Decimal, value: Any, how: str = "") -> Reading:
    if months <= 0:
        return refuse(policy, "maturity", value, "must be above 0")
    reading = Reading(policy.month_scale.rule_for(months),
                      f"{how}{format_number(months)} months practising AI", number=months)
    return reading


def _phase(policy: Policy, phase: int, read_as: str, value: Any) -> Reading:
    order = policy.phase_order
    rule = order[max(1, min(phase, len(order))) - 1]
    label = policy.rules["maturity"][rule].label
    return noted(Reading(rule, f"{read_as} ➜ {label}"), "maturity", value,
                 f"read as {read_as} ➜ {label}")


def _level(policy: Policy, n: Decimal, levels: int, value: Any, origin: str = "",
           lowest: int = 1) -> Reading:
    """Level n on a lowest..(lowest + levels - 1) scale, the position p = n - lowest + 1
    of `levels`: phase 1 + ⌊4(p − 1)/levels⌋, clamped to 1..4."""
    found = on_scale(n, levels, lowest)
    if isinstance(found, str):
        return refuse(policy, "maturity", value, found)
    conflict = between_levels(policy, n, levels, lowest)
    if conflict:
        return refuse(policy, "maturity", value, conflict)
    phase, shown = found
    where = f" ({origin})" if origin else ""
    return _phase(policy, phase, f"{shown}{where}", value)


def _score(policy: Policy, score: Decimal, value: Any, origin: str = "") -> Reading:
    if not 0 <= score <= 100:
        return refuse(policy, "maturity", value, "is a score outside 0 to 100")
    phase = 1 + sum(1 for bound in policy.score_bounds if score >= bound)
    where = f", {origin}" if origin else ""
    return _phase(policy, phase, f"score {format_number(score)} of 100{where}", value)


def _text(policy: Policy, value: str, context: ColumnContext) -> Reading:
    exact = policy.phases.get(normalise_label(value))
    if exact is not None:
        return Reading(exact, f"phase {policy.rules['maturity'][exact].label}")
    text = " ".join(value.strip().casefold().split())
    dated = _date_in(policy, text, value, context)
    if dated is not None:
        return dated
    if (percent := _PERCENT.fullmatch(text)) is not None:
        return _score(policy, Decimal(percent["n"].replace(",", ".")), value)
    ranged = _month_range(policy, text, value)
    if ranged is not None:
        return ranged
    months = _months_pattern(policy).fullmatch(text)
    if months is not None:
        number = Decimal(months["n"].replace(",", "."))
        if months["years"]:
            return _months(policy, number * 12, value, f"{format_number(number)} years = ")
        if months["months"]:
            return _months(policy, number, value)
        return _bare_number(policy, number, value, context)
    return _words_and_scales(policy, text, value, context)


def _month_range(policy: Policy, text: str, value: Any) -> Reading | None:
    """"6-12 months": read when both ends vote alike, else refused naming both."""
    found = _MONTH_RANGE.fullmatch(text)
    if found is None:
        return None
    low_text = found["low"]
    high = _months_pattern(policy).fullmatch(found["high"])
    if high is None or not (high["months"] or high["years"]):
        return None
    factor = 12 if high["years"] else 1
    ends = [Decimal(n.replace(",", ".")) * factor for n in (low_text, high["n"])]
    if not 0 < ends[0] < ends[1]:
        return refuse(policy, "maturity", value, "is a range whose first end is not below "
                                                 "its second")
    rules = [policy.month_scale.rule_for(end) for end in ends]
    votes = {policy.rules["maturity"][rule].vote for rule in rules}
    shown = f"{format_number(ends[0])} to {format_number(ends[1])} months"
    if len(votes) > 1:
        labels = " and ".join(policy.rules["maturity"][rule].label for rule in rules)
        return refuse(policy, "maturity", value,
                      f"is a range ({shown}) across two votes ({labels}): write one value")
    middle = (ends[0] + ends[1]) / 2
    reading = _months(policy, middle, value)
    return noted(Reading(reading.rule, f"{reading.read_as}, the middle of {shown}",
                         number=middle), "maturity", value,
                 f"read as {format_number(middle)} months, the middle of {shown}")


def _months_pattern(policy: Policy) -> re.Pattern[str]:
    found: re.Pattern[str] | None = policy.memo.get("months pattern")
    if found is None:
        def words(items: tuple[str, ...]) -> str:
            return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))

        found = policy.memo["months pattern"] = re.compile(_MONTHS.format(
            months=words(policy.month_words), years=words(policy.year_words)))
    return found


def _words_and_scales(policy: Policy, text: str, value: Any, context: ColumnContext
                      ) -> Reading:
    """Scale numbers ("Level 3", "3/5", "Phase 4") and words ("Low maturity", "BAU",
    "Systemic"); two that disagree are refused, naming both."""
    readings: list[tuple[int, str]] = []  # (phase, how it was read)
    for match in SCALE.finditer(text):
        found = scale_phase(policy, match, context)
        if isinstance(found, str):
            return refuse(policy, "maturity", value, found)
        readings.append(found)
    if not readings:
        numbered = numbered_name(policy, text, context)
        if isinstance(numbered, str):
            return refuse(policy, "maturity", value, numbered)
        if numbered is not None:
            readings.append(numbered)
    scaled = bool(readings)
    refusals = []
    settled_words: list[str] = []  # ambiguous words a level settles ("Managed (4)")
    for found_phrase in policy.maturity_matcher.find(text):
        meaning = policy.maturity_meanings[found_phrase.phrase.meaning]
        if meaning.rule is None:
            refusals.append(f"'{found_phrase.text}' {meaning.refusal}")
            if scaled and (why := settled(policy, readings[0], found_phrase.text,
                                           meaning.refusal or "")):
                return refuse(policy, "maturity", value, why)
            settled_words.append(f"'{found_phrase.text}'")
            continue
        phase = policy.phase_order.index(meaning.rule) + 1
        readings.append((phase, meaning.reading or found_phrase.text))
    if refusals and not scaled:
        return refuse(policy, "maturity", value, f"is ambiguous: {refusals[0]}")
    if not readings:
        if re.match(r"^\s*[-−–]\s*\d", text):
            return refuse(policy, "maturity", value, "must be above 0")
        return refuse(policy, "maturity", value)
    phases = {phase for phase, _ in readings}
    months = _months_inside(policy, text)
    if months is not None and not scaled:
        # "Pilot (6 months)": the phase and the months must vote alike, else both are named.
        month_rule = policy.month_scale.rule_for(months)
        votes = {policy.rules["maturity"][policy.phase_order[p - 1]].vote for p in phases}
        if votes != {policy.rules["maturity"][month_rule].vote}:
            named = f"'{readings[0][1]}' ({phase_label(policy, readings[0][0])})"
            return refuse(policy, "maturity", value,
                          f"names {named} and {format_number(months)} months "
                          f"({policy.rules['maturity'][month_rule].label}), which vote "
                          "differently; write one")
    if len(phases) > 1:
        named = " and ".join(dict.fromkeys(
            f"'{how}' ({phase_label(policy, phase)})" for phase, how in readings))
        return refuse(policy, "maturity", value,
                      f"names two different phases: {named}; write one")
    phase, how = readings[0]
    agreeing = list(dict.fromkeys([*(h for _, h in readings[1:]), *settled_words]))
    if scaled and agreeing:  # the words the level was read with, which agree with it
        how = f"{how}, with {' and '.join(agreeing)}"
    return _phase(policy, phase, how, value)


def _months_inside(policy: Policy, text: str) -> Decimal | None:
    """Months of practice written inside a longer text ("pilot, 6 months"), if any."""
    pattern = _months_pattern(policy).pattern.replace("(?P<n>", r"\b(?P<n>")
    for match in re.finditer(pattern + r"\b", text):
        if match["months"] or match["years"]:
            number = Decimal(match["n"].replace(",", "."))
            return number * 12 if match["years"] else number
    return None


# --- dates: when practice started (section 9.1) ------------------------------------------


def _date_in(policy: Policy, text: str, value: Any, context: ColumnContext) -> Reading | None:
    iso = _ISO_DATE.fullmatch(text)
    if iso is not None and 1950 <= int(iso["y"]) <= 2100:
        return _dated(policy, int(iso["y"]), int(iso["m"]), int(iso["d"] or 1), value, context)
    named = _NAMED_DATE.fullmatch(text)
    if named is not None and named["mon"] in _MONTH_NAMES and 1950 <= int(named["y"]) <= 2100:
        return _dated(policy, int(named["y"]), _MONTH_NAMES[named["mon"]], 1, value, context)
    return None


def _dated(policy: Policy, year: int, month: int, day: int, value: Any,
           context: ColumnContext) -> Reading:
    try:
        start = date(year, month, day)
    except ValueError:
        return refuse(policy, "maturity", value, "is not a date")
    return _since(policy, start, value, context)


def _serial_date(policy: Policy, serial: Any, value: Any, context: ColumnContext) -> Reading:
    if not is_number(serial) or not math.isfinite(serial) or not 1 <= serial < 2958466:
        return refuse(policy, "maturity", serial, "is formatted as a date but is no date")
    start = _EXCEL_EPOCH + timedelta(days=int(serial))
    return _since(policy, start, start.isoformat(), context)


def _since(policy: Policy, start: date, value: Any, context: ColumnContext) -> Reading:
    """A start of practice: the months from it to the day of scoring."""
    today = context.as_of or date.today()
    if start >= today:
        rule = policy.phase_order[0]
        label = policy.rules["maturity"][rule].label
        how = f"started {start.isoformat()}, not before {today.isoformat()}: not started"
        return noted(Reading(rule, f"{how} ➜ {label}"), "maturity", value,
                     f"read as {how} ➜ {label}")
    months = months_between(start, today)
    reading = _months(policy, months, value)
    how = f"since {start.isoformat()} to {today.isoformat()}"
    return noted(Reading(reading.rule, f"{reading.read_as} ({how})", number=months),
                 "maturity", value, f"read as {how} ➜ {format_number(months)} months")


def months_between(start: date, end: date) -> Decimal:
    """Calendar months from `start` to `end` (end after start), to two places: whole months,
    then the days left over as a share of the month they fall in."""
    whole = (end.year - start.year) * 12 + end.month - start.month
    anchor = _add_months(start, whole)
    if anchor > end:
        whole -= 1
        anchor = _add_months(start, whole)
    following = _add_months(start, whole + 1)
    share = Decimal((end - anchor).days) / Decimal((following - anchor).days)
    return (Decimal(whole) + share).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
