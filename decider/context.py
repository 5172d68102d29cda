"""What surrounds a value: the interface between the sheet and the value reader.

A value alone does not always say what it means: 6000 under the header "AI budget (k€)"
is six million euros, a 3 under "AI maturity (1-5)" is a level and not three months, a
cell holding 6 formatted `0.0"M€"` shows 6.0M€. The sheet layer (headers, number formats,
a column's values taken together; decision policy, section 10) describes that in the
objects below; the value reader (section 9) applies them. Neither knows the other's
code: the workbook path, `score_frame`, the Excel functions and `recommend` all hand the
reader a value and, optionally, a `ColumnContext`.

All three objects are frozen and hashable: they are part of the reader's memo key, so a
column's context is decided once and each distinct (value, context) is read once.

Precedence (section 10): a unit typed in the cell, then the cell's number format
(`Formatted.unit`), then the column's header (`ColumnContext.unit`), then plain euros
(budget) or employees (size); never two scalings at once. When a stronger source
overrides a weaker one that says otherwise, the rationale says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Unit:
    """How to turn a bare stored number into the policy's quantity, and where that came
    from. Applies to size (multiplier only) and budget (all fields)."""

    multiplier: Decimal = Decimal(1)  # the stored number times this (k€: 1000)
    currency: str | None = None  # an ISO code; None: no currency said (euros)
    per_year: int = 1  # how many such periods in a year (per month: 12)
    # For the rationale: what was seen and where, e.g. 'k€ from the header "AI budget (k€)"'
    # or 'M€ from the number format 0.0"M€"'.
    origin: str = ""
    # A number format's scaling commas (`#,##0,`): the stored number is whole and only
    # the display is scaled, so a header's scale ("AI budget (k€)") does not apply.
    whole: bool = False

    @property
    def is_plain(self) -> bool:
        return self.multiplier == 1 and self.currency is None and self.per_year == 1


@dataclass(frozen=True, slots=True)
class ColumnContext:
    """What a column says about the bare numbers in it (and, for maturity, the day of
    scoring). The default context says nothing: a value is read as `recommend` reads it."""

    unit: Unit | None = None  # size, budget: a unit, scale, currency or period in the header
    # maturity: a bare number is a level on a 1..levels scale ("(1-5)", "level", "tier",
    # or a column of integers 1 to 5); None: a bare number is months.
    levels: int | None = None
    # maturity: the scale's first level: 1, or 0 for a header such as "(0-5)", where 0..5
    # are six levels and a 3 is the fourth of them.
    lowest: int = 1
    # maturity: a bare number (0-100) or a percentage is a score ("score", "index", "%").
    score: bool = False
    # Where `levels` or `score` came from, for the rationale: 'the header "AI maturity (1-5)"'.
    origin: str = ""
    # maturity: a date is when practice started, counted to this day; None: today.
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number cell together with what its number format says (section 10). The sheet
    layer hands the reader this instead of a bare float where the format carries a unit,
    a currency, a percentage or a date; a plain `0.00` cell stays a float."""

    value: float
    format_code: str  # as in styles.xml, e.g. '0.0"M€"', for the rationale
    unit: Unit | None = None  # a literal unit or currency in the format
    percent: bool = False  # `0%`: the stored number is a fraction (0.85 shows 85%)
    date: bool = False  # a date or date-time format: `value` is an Excel serial date
    # maturity: a time unit in the format (`0" yrs"`: 12 months per unit; `0" months"`: 1)
    months: int | None = None


NO_CONTEXT = ColumnContext()
