"""What every value reader shares: the `Reading`, blanks, how a value is shown, refusals."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from decider.context import Formatted, Unit
from decider.policy import Policy

DISPLAY_NAMES = {
    "size": "size",
    "maturity": "maturity",
    "regulation": "regulation",
    "budget": "budget",
    "multi_country": "multi-country",
}

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
    # How a value was read when that is not plain from the rule (section 11): the value
    # as typed and what it became ("maturity 'Level 3' read as 3 of 5 ➜ Scale-up"). The
    # rationale of `recommend`, `score_frame` and a scored sheet shows it.
    note: str | None = None
    # The quantity read, in the policy's unit (employees, months of practice, euros a
    # year; a count of countries), where the value was a quantity: what section 12's
    # distances and answer over time are measured from. None for a phase, a level word...
    number: Decimal | None = None
    # The value as typed, as every rationale line shows it (section 11): text in quotes
    # ('banking'), a number bare (6000). Set by `decider.parsing.read` on every reading
    # that is not a refusal; None for a blank.
    typed: str | None = None
    # Size, budget: the unit a bare number typed in this cell instead would be read in
    # (the cell's number format's, else its column header's), where that is not plain:
    # section 12's example values speak in it ("0.501" under "Headcount ('000)").
    unit: Unit | None = None


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


def typed(value: Any) -> str:
    """A value as the rationale echoes it: text in quotes, a number or a boolean bare."""
    if isinstance(value, str):
        return f"'{show(value)}'"
    if isinstance(value, Formatted):  # a number cell: the number stored
        return show(value.value)
    return show(value)


def refuse(policy: Policy, input_name: str, value: Any, problem: str = "is not recognised"
           ) -> Reading:
    """A value that cannot be read: the input, the value, why, and the accepted forms."""
    name = DISPLAY_NAMES[input_name]
    return Reading(None, "", f"{name} '{show(value)}' {problem}; accepted: "
                              f"{policy.accepted_forms(input_name)}")


def noted(reading: Reading, input_name: str, value: Any, how: str) -> Reading:
    """`reading` with the section 11 note: the value as typed and what it became."""
    note = f"{DISPLAY_NAMES[input_name]} {typed(value)} {how}"
    return Reading(reading.rule, reading.read_as, reading.error, reading.flag, note,
                   reading.number)


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | Decimal) and not is_boolean(value)


def is_boolean(value: Any) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def as_decimal(number: Any) -> Decimal:
    return number if isinstance(number, Decimal) else Decimal(str(number))


def format_number(value: Decimal | float | int) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return f"{value:,.10g}" if not float(value).is_integer() else f"{int(value):,}"
