"""Reading one input value: what a user typed (or a cell holds) -> the rule it falls under.

Every reader takes any value (text, number, boolean, blank) and returns a `Reading`:
the index of the policy rule that votes, what the value was read as, or an error message
that names the input, repeats the value and lists the accepted forms. Readers never
raise for a user's value.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext, Formatted
from decider.policy import (
    Policy,
    SectorForm,
    closest_form,
    normalise_band,
    normalise_label,
    normalise_phrase,
)

DISPLAY_NAMES = {
    "size": "size",
    "maturity": "maturity",
    "regulation": "regulation",
    "budget": "budget",
    "multi_country": "multi-country",
}

# Where the memo of readings is cleared, so that a long Excel session stays small.
_MEMO_LIMIT = 250_000


# Words that mean "not known", alone in a cell, in any case (decision policy, section 7):
# blank, everywhere. They are not policy data: whether a row is blank must not depend on
# which policy reads it.
NOT_KNOWN = frozenset({"n/a", "na", "-", "–", "—", "?", "tbd", "tbc", "unknown", "not known"})
_NOT_KNOWN_LONGEST = max(map(len, NOT_KNOWN))

# Excel's error values, as a cell holding one arrives (its text).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#EXTERNAL!", "#PYTHON!",
})


@dataclass(frozen=True, slots=True)
class Reading:
    """What one value was read as. `rule` is None when the value does not vote."""

    rule: int | None
    read_as: str
    error: str | None = None
    flag: bool = False  # multi-country: the business unit is in several countries
    # How a value was read when that is not plain from the rule: a sector found in free
    # text, a budget converted from another currency. The batch rationale shows it.
    note: str | None = None
    # The quantity read, in the policy's unit (employees, months of practice, euros a
    # year; a count of countries), where the value was a quantity: what section 12's
    # distances and answer over time are measured from. None for a phase, a level word...
    number: Decimal | None = None


UNKNOWN = Reading(None, "unknown")


def is_blank(value: Any) -> bool:
    """None, empty or white-space text, a "not known" word (n/a, tbd, ?...), NaN, pandas'
    NA and NaT: the criterion is unknown."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or (len(text) <= 2 * _NOT_KNOWN_LONGEST
                            and " ".join(text.casefold().split()) in NOT_KNOWN)
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in {"NAType", "NaTType"}


def show(value: Any) -> str:
    """A value as the user typed it, on one line."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def read(policy: Policy, input_name: str, value: Any,
         context: ColumnContext = NO_CONTEXT) -> Reading:
    """The reading of one input's value under `policy`, in its column's `context`
    (memoised per policy). `value` may be a `Formatted` number cell."""
    if is_blank(value) or (isinstance(value, Formatted) and is_blank(value.value)):
        return UNKNOWN
    try:
        key = (input_name, type(value), value, context)
        memo = policy.memo
        found: Reading | None = memo.get(key)
    except TypeError:  # an unhashable value: read it without the memo
        return _read_value(policy, input_name, value, context)
    if found is None:
        found = _read_value(policy, input_name, value, context)
        if len(memo) > _MEMO_LIMIT:
            memo.clear()  # the compiled patterns go too; they are rebuilt on demand
        memo[key] = found
    return found


def _read_value(policy: Policy, input_name: str, value: Any, context: ColumnContext
                ) -> Reading:
    """A value not blank, read afresh: an Excel error value by its text, else by the
    input's reader."""
    if isinstance(value, str) and (code := value.strip().upper()) in EXCEL_ERRORS:
        return Reading(None, "", f"{DISPLAY_NAMES[input_name]} holds the Excel error {code}: "
                                 "correct or clear that cell")
    if isinstance(value, Formatted):  # until the readers apply number formats (section 10)
        value = value.value
    return _READERS[input_name](policy, value)


def _refuse(policy: Policy, input_name: str, value: Any, problem: str = "is not recognised"
            ) -> Reading:
    name = DISPLAY_NAMES[input_name]
    return Reading(None, "", f"{name} '{show(value)}' {problem}; accepted: "
                              f"{policy.accepted_forms(input_name)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | Decimal) and not _is_boolean(value)


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


# --- numbers in text -------------------------------------------------------------------

# A comma followed by exactly three digits groups thousands, as do spaces (also the
# non-breaking ones); any other comma, and a dot, is the decimal mark.
_NUMBER = r"(?P<int>\d+(?:[, \u00a0\u202f\u2009]\d{3}(?!\d))*)(?:[.,](?P<frac>\d+))?"
_SIGN = re.compile(r"^\s*[-−–]\s*\d")


def _decimal(match: re.Match[str]) -> Decimal:
    digits = re.sub(r"\D", "", match["int"])
    return Decimal(f"{digits}.{match['frac']}" if match["frac"] else digits)


def _words(words: tuple[str, ...] | list[str]) -> str:
    ordered = sorted({w.casefold() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered) or "(?!)"


def _patterns(policy: Policy) -> dict[str, re.Pattern[str]]:
    multipliers = _words(list(policy.multipliers))
    units = _words(policy.size_unit_words)
    currencies = _words([*policy.currency_words, *policy.currency_symbols,
                         *policy.ambiguous_symbols, *policy.currency_codes])
    period = _words(policy.period_words)
    return {
        "size": re.compile(
            rf"{_NUMBER}\s*(?P<mult>{multipliers})?\s*(?P<plus>\+)?\s*(?:{units})?"
        ),
        "months": re.compile(
            rf"{_NUMBER}\s*(?:(?P<months>{_words(policy.month_words)})"
            rf"|(?P<years>{_words(policy.year_words)}))?"
        ),
        "budget": re.compile(
            rf"(?:(?P<pre>{currencies})\s*)?{_NUMBER}\s*(?P<mult>{multipliers})?"
            rf"\s*(?P<post>{currencies})?\s*(?:{period})?"
        ),
        "countries": re.compile(r"(?P<int>\d+)\s*(?:countries|country)?"),
    }


def _pattern(policy: Policy, name: str) -> re.Pattern[str]:
    patterns: dict[str, re.Pattern[str]] | None = policy.memo.get("patterns")
    if patterns is None:
        patterns = policy.memo["patterns"] = _patterns(policy)
    return patterns[name]


def _as_decimal(number: Any) -> Decimal:
    return number if isinstance(number, Decimal) else Decimal(str(number))


def _format_number(value: Decimal | float | int) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        text = f"{value:,f}"
    else:
        text = f"{value:,.10g}" if not float(value).is_integer() else f"{int(value):,}"
    return text


# --- the readers -----------------------------------------------------------------------


def _read_size(policy: Policy, value: Any) -> Reading:
    if _is_number(value):
        return _size_number(policy, value, value)
    if not isinstance(value, str):
        return _refuse(policy, "size", value, f"({type(value).__name__}) is not a size")
    band = policy.size_bands.get(normalise_band(value))
    if band is not None:
        return Reading(band, f"band {value.strip()}")
    text = value.strip().casefold()
    match = _pattern(policy, "size").fullmatch(text)
    if match is None:
        if _SIGN.match(text):
            return _refuse(policy, "size", value, "must be above 0")
        return _refuse(policy, "size", value)
    number = _decimal(match)
    if match["mult"]:
        number *= policy.multipliers[match["mult"]]
    return _size_number(policy, number, value)


def _size_number(policy: Policy, number: Any, value: Any) -> Reading:
    if not math.isfinite(number):
        return _refuse(policy, "size", value)
    if number <= 0:
        return _refuse(policy, "size", value, "must be above 0")
    rule = policy.size_scale.rule_for(number)
    return Reading(rule, f"{_format_number(number)} {policy.data['size']['unit']}",
                   number=_as_decimal(number))


def _read_maturity(policy: Policy, value: Any) -> Reading:
    if _is_number(value):
        return _months(policy, value, value, "")
    if not isinstance(value, str):
        return _refuse(policy, "maturity", value, f"({type(value).__name__}) is not a maturity")
    phase = policy.phases.get(normalise_label(value))
    if phase is not None:
        return Reading(phase, f"phase {policy.rules['maturity'][phase].label}")
    text = value.strip().casefold()
    match = _pattern(policy, "months").fullmatch(text)
    if match is None:
        if _SIGN.match(text):
            return _refuse(policy, "maturity", value, "must be above 0")
        return _refuse(policy, "maturity", value)
    number = _decimal(match)
    if match["years"]:
        return _months(policy, number * 12, value, f"{_format_number(number)} years = ")
    return _months(policy, number, value, "")


def _months(policy: Policy, months: Any, value: Any, prefix: str) -> Reading:
    if not math.isfinite(months):
        return _refuse(policy, "maturity", value)
    if months <= 0:
        return _refuse(policy, "maturity", value, "must be above 0")
    rule = policy.month_scale.rule_for(months)
    return Reading(rule, f"{prefix}{_format_number(months)} months practising AI",
                   number=_as_decimal(months))


def _read_regulation(policy: Policy, value: Any) -> Reading:
    if not isinstance(value, str):
        return _refuse(policy, "regulation", value)
    phrase = normalise_phrase(value)
    rule = policy.regulation_phrases.get(phrase)
    if rule is None:
        rule = policy.regulation_labels.get(normalise_label(value))  # "PureTech", "pure-tech"
    if rule is not None:
        return Reading(rule, policy.rules["regulation"][rule].label)
    found = _sector_in_text(policy, phrase)
    if found is None:
        return _refuse(policy, "regulation", value, _no_sector(policy, phrase))
    label = policy.rules["regulation"][found.rule].label
    return Reading(found.rule, label, note=f"regulation '{show(value)}' ➜ {label}")


def _sector_in_text(policy: Policy, phrase: str) -> SectorForm | None:
    """Section 6, rule 4: among the forms found in the text as whole-word phrases, the
    longest; a tie goes to the higher level, then to the earlier row of the table."""
    padded = f" {phrase} "
    found = [form for form in policy.sector_forms if f" {form.phrase} " in padded]
    if not found:
        return None
    return min(found, key=lambda form: (-form.words, -form.rank, form.order))


def _no_sector(policy: Policy, phrase: str) -> str:
    close = closest_form(phrase, list(policy.regulation_phrases))
    if close is None:
        return "is not recognised as a regulation level or a known sector"
    rule = policy.regulation_phrases[close]
    label = policy.rules["regulation"][rule].label.split(" (")[0]
    shown = label if normalise_phrase(label) == close else f"{close} ({label})"
    return f"is not recognised as a regulation level or a known sector (did you mean {shown}?)"


def _read_budget(policy: Policy, value: Any) -> Reading:
    if _is_number(value):
        return _euros(policy, value, value)
    if not isinstance(value, str):
        return _refuse(policy, "budget", value, f"({type(value).__name__}) is not a budget")
    text = value.strip().casefold()
    match = _pattern(policy, "budget").fullmatch(text)
    if match is None:
        if _SIGN.search(text):
            return _refuse(policy, "budget", value, "must be above 0")
        return _refuse(policy, "budget", value)
    number = _decimal(match)
    if match["mult"]:
        number *= policy.multipliers[match["mult"]]
    currency = _currency(policy, value, match["pre"], match["post"])
    if isinstance(currency, Reading):
        return currency
    if currency is None:
        return _euros(policy, number, value)
    rate = policy.rates[currency]
    euros = number * rate
    reading = _euros(policy, euros, value)
    if reading.error is not None:
        return reading
    conversion = f"{show(value)} at {rate} ➜ €{_format_number(euros)}"
    return Reading(reading.rule, f"{conversion} a year ({currency} at the rate given)",
                   note=f"budget {conversion}", number=reading.number)


def _currency(policy: Policy, value: Any, *marks: str | None) -> str | Reading | None:
    """The currency a budget names: None for euros, a code with a rate, or the refusal."""
    named: set[str] = set()
    for mark in filter(None, marks):
        if mark in policy.ambiguous_symbols:
            meant = policy.ambiguous_symbols[mark]
            example = (re.findall(r"\b[A-Z]{3}\b", meant) or ["GBP"])[0]
            return _refuse(
                policy, "budget", value, f"uses '{mark}', which stands for {meant}: write the "
                f"currency's code instead (e.g. '{example} 500k') and give its rate with "
                f"--rate {example}=EUROS_FOR_ONE_{example}")
        if mark in policy.currency_words:
            named.add("EUR")
        elif mark in policy.currency_symbols:
            named.add(policy.currency_symbols[mark].upper())
        elif mark in policy.currency_codes:
            named.add(mark.upper())
    if len(named) > 1:
        return _refuse(policy, "budget", value,
                       f"names two currencies ({', '.join(sorted(named))})")
    if not named or named == {"EUR"}:
        return None
    code = named.pop()
    if code not in policy.rates:
        return _refuse(
            policy, "budget", value,
            f"is in {code} and no rate is given: add --rate {code}=EUROS_FOR_ONE_{code} "
            f"(e.g. --rate {code}=1.17), or {code} under [budget.rates] in a policy file or "
            "in a template's Policy sheet; decider builds in no rate")
    return code


def _euros(policy: Policy, number: Any, value: Any) -> Reading:
    if not math.isfinite(number):
        return _refuse(policy, "budget", value)
    if number <= 0:
        return _refuse(policy, "budget", value, "must be above 0")
    rule = policy.budget_scale.rule_for(number)
    return Reading(rule, f"€{_format_number(number)} a year", number=_as_decimal(number))


def _read_multi_country(policy: Policy, value: Any) -> Reading:
    if _is_boolean(value):
        return _countries(policy, 2 if value else 1, "yes" if value else "no")
    if _is_number(value):
        if not math.isfinite(value) or value != int(value) or value < 0:
            return _refuse(policy, "multi_country", value, "is not a number of countries")
        return _countries(policy, int(value), f"{int(value)} countries")
    if not isinstance(value, str):
        return _refuse(policy, "multi_country", value)
    folded = normalise_label(value)
    if folded in policy.multi_country_yes:
        return _countries(policy, None, "yes")
    if folded in policy.multi_country_no:
        return _countries(policy, 0, "no")
    match = _pattern(policy, "countries").fullmatch(value.strip().casefold())
    if match is None:
        return _refuse(policy, "multi_country", value)
    count = int(match["int"])
    return _countries(policy, count, f"{count} countries")


def _countries(policy: Policy, count: int | None, read_as: str) -> Reading:
    several = count is None or count > policy.countries_above
    if several:
        return Reading(policy.multi_country_rule, f"several countries ({read_as})", flag=True)
    return Reading(None, f"one country ({read_as})")


_READERS = {
    "size": _read_size,
    "maturity": _read_maturity,
    "regulation": _read_regulation,
    "budget": _read_budget,
    "multi_country": _read_multi_country,
}
