"""Reading one input value: what a user typed (or a cell holds) -> the rule it falls under.

Every reader takes any value (text, number, boolean, blank, a `Formatted` number cell)
and returns a `Reading`: the index of the policy rule that votes, what the value was read
as, or an error message that names the input, repeats the value and says what is
accepted. Readers never raise for a user's value. One reader serves every entry point
(`recommend`, the Excel functions, `score_frame`, `decider score`).

- `base`: the `Reading`, blanks, refusals; `quantities`: numbers in text;
- `amounts`: size and budget; `maturity`; `regulation`; `countries`: multi-country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext, Formatted
from decider.policy import Policy
from decider.reading.amounts import bare_unit, read_budget, read_size
from decider.reading.base import (
    DISPLAY_NAMES,
    EXCEL_ERRORS,
    NOT_KNOWN,
    UNKNOWN,
    Reading,
    as_decimal,
    is_blank,
    is_number,
    refuse,
    show,
    typed,
)
from decider.reading.countries import read_multi_country
from decider.reading.maturity import read_maturity
from decider.reading.regulation import read_regulation

__all__ = ["DISPLAY_NAMES", "EXCEL_ERRORS", "NOT_KNOWN", "UNKNOWN", "Reading", "is_blank",
           "read", "show"]

# Where the memo of readings is cleared, so that a long Excel session stays small.
_MEMO_LIMIT = 250_000


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
        reading = _read_value(policy, input_name, value, context)
        return _typed(policy, input_name, reading, value)
    if found is None:
        found = _read_value(policy, input_name, value, context)
        found = _typed(policy, input_name, found, value)
        if len(memo) > _MEMO_LIMIT:
            memo.clear()  # the compiled patterns go too; they are rebuilt on demand
        memo[key] = found
    return found


def _typed(policy: Policy, input_name: str, reading: Reading, value: Any) -> Reading:
    """The reading with the value as typed, which its rationale line echoes (section 11),
    except where the value was read as it stands (`_verbatim`), for a refusal (its message
    names the value) and for a multi-country value that is not "several countries" (no
    line shows it: the size speaks). Readings without an echo stay one class per rule."""
    if reading.error is not None or reading.rule is None:
        return reading
    if (reading.note is None and not reading.flag
            and _verbatim(policy, input_name, reading, value)):
        return reading
    return replace(reading, typed=typed(value))


def _verbatim(policy: Policy, input_name: str, reading: Reading, value: Any) -> bool:
    """Whether a value was read as it stands, with no judgment to show: the rule's own
    words ("Mature"; "Finance" for "Finance (Critical)"), or a plain number of employees
    or euros with nothing around it (4200, "4200"). The cell beside the rationale shows
    such a value already; echoing it would make each unit's rationale a text of its own,
    which a large sheet stores once per row (the shorter form of section 11: every value
    that is reduced, converted, scaled, matched to a word or a regime, or read with a
    unit from elsewhere is echoed; see the README)."""
    assert reading.rule is not None
    label = policy.rules[input_name][reading.rule].label
    if isinstance(value, str):
        text = " ".join(value.split()).casefold()
        if text in (label.casefold(), label.split(" (")[0].casefold()):
            return True
        plain = text.isdigit()
    else:
        plain = is_number(value)
    return (plain and input_name in ("size", "budget") and reading.number is not None
            and reading.number == as_decimal(value if not isinstance(value, str) else text))


def _read_value(policy: Policy, input_name: str, value: Any, context: ColumnContext
                ) -> Reading:
    """A value not blank, read afresh: an Excel error value by its text, else by the
    input's reader."""
    if isinstance(value, str) and (code := value.strip().upper()) in EXCEL_ERRORS:
        return Reading(None, "", f"{DISPLAY_NAMES[input_name]} holds the Excel error {code}: "
                                 "correct or clear that cell")
    if isinstance(value, Decimal) and value.is_nan():  # a signaling NaN raises in arithmetic
        return refuse(policy, input_name, "NaN", "is not a number")
    reading = _READERS[input_name](policy, value, context)
    if input_name in ("size", "budget") and reading.rule is not None:
        unit = bare_unit(value, context)
        if unit is not None:
            reading = replace(reading, unit=unit)
    return reading


_READERS: dict[str, Callable[[Policy, Any, ColumnContext], Reading]] = {
    "size": read_size,
    "maturity": read_maturity,
    "regulation": lambda policy, value, _context: read_regulation(
        policy, value.value if isinstance(value, Formatted) else value),
    "budget": read_budget,
    "multi_country": lambda policy, value, _context: read_multi_country(
        policy, value.value if isinstance(value, Formatted) else value),
}
