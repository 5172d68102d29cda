"""Size and budget (decision policy, sections 1, 7, 9.3, 9.4 and 10): numbers, text, and
the unit a column's header or a cell's number format gives a bare number."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from decider.context import ColumnContext, Formatted, Unit
from decider.policy import Policy, normalise_band
from decider.reading.base import (
    Reading,
    as_decimal,
    format_number,
    is_number,
    noted,
    refuse,
    show,
)
from decider.reading.quantities import NotANumber, Quantity, parse_quantity

_SIGN = re.compile(r"^\s*[-−–]\s*\d")


def _cell_unit(value: Any, context: ColumnContext) -> tuple[Any, Unit | None]:
    """The bare value and the unit it is in: each part of it (scale, currency, period)
    from the number format where the format says it, else from the header."""
    if not isinstance(value, Formatted) or value.unit is None:
        return (value.value if isinstance(value, Formatted) else value), context.unit
    own, header = value.unit, context.unit
    if header is None or header.is_plain:
        return value.value, own
    overridden = own.whole and header.multiplier != 1
    # The rationale names the header only where some part of its unit is used, or where
    # the format's whole number overrides its scale (and says so).
    header_used = ((own.multiplier == 1 and not own.whole and header.multiplier != 1)
                   or (own.currency is None and header.currency is not None)
                   or (own.per_year == 1 and header.per_year != 1))
    merged = Unit(
        multiplier=own.multiplier if own.multiplier != 1 or own.whole else header.multiplier,
        currency=own.currency or header.currency,
        per_year=own.per_year if own.per_year != 1 else header.per_year,
        origin=(f"{own.origin}, not {header.origin}" if overridden else
                "; ".join(filter(None, (own.origin, header.origin if header_used else "")))),
        whole=own.whole,
    )
    return value.value, merged


def bare_unit(value: Any, context: ColumnContext) -> Unit | None:
    """The unit a bare number typed in this cell would be read in: what its number format
    says, else its column's header (a text cell has no format of its own); None: plain.
    A cell's format stays when a user types over it, a unit typed in the text does not."""
    unit = _cell_unit(value, context)[1]
    return None if unit is None or unit.is_plain else unit


def read_size(policy: Policy, value: Any, context: ColumnContext) -> Reading:
    raw, unit = _cell_unit(value, context)
    if isinstance(value, Formatted) and (value.percent or value.date):
        return refuse(policy, "size", value.value, "is formatted as a percentage or a date, "
                                                   "not a number of employees")
    if is_number(raw):
        if not math.isfinite(raw):
            return refuse(policy, "size", raw)
        return _size_number(policy, as_decimal(raw), raw, unit, None)
    if not isinstance(raw, str):
        return refuse(policy, "size", raw, f"({type(raw).__name__}) is not a size")
    band = policy.size_bands.get(normalise_band(raw))
    if band is not None:
        return Reading(band, f"band {raw.strip()}")
    try:
        quantity = parse_quantity(policy, "size", raw)
    except NotANumber as error:
        if _SIGN.match(raw):
            return refuse(policy, "size", raw, "must be above 0")
        return refuse(policy, "size", raw, error.problem or "is not recognised")
    return _size_number(policy, quantity.value, raw, unit, quantity)


def _size_number(policy: Policy, number: Decimal, value: Any, unit: Unit | None,
                 quantity: Quantity | None) -> Reading:
    if number <= 0:
        return refuse(policy, "size", value, "must be above 0")
    origins = []
    # "450 employees" under "Headcount (k)": the cell says its unit, the header's does
    # not apply (section 10: a unit typed in the cell first).
    typed = quantity is not None and (quantity.multiplier is not None
                                      or quantity.unit_word is not None)
    if unit is not None and unit.multiplier != 1:
        if typed:
            origins.append(f"the unit typed in the cell, not {unit.origin or 'the header'}")
        else:
            number *= unit.multiplier
            origins.append(unit.origin or f"×{format_number(unit.multiplier)}")
    elif unit is not None and unit.whole and unit.origin and not typed:
        origins.append(unit.origin)
    employees = f"{format_number(number)} {policy.data['size']['unit']}"
    rule = policy.size_scale.rule_for(number)
    how = _how(quantity, employees, origins)
    if how is None:
        return Reading(rule, employees, number=number)
    return noted(Reading(rule, how[0], number=number), "size", value, how[1])


def _how(quantity: Quantity | None, result: str, origins: list[str]
         ) -> tuple[str, str] | None:
    """How a quantity was read when more than a plain number (section 11): its read_as,
    and the note after the value as typed; None for a plain number."""
    approximate = quantity is not None and quantity.approximate
    between = quantity.between if quantity is not None else None
    period = quantity is not None and quantity.per_year != 1
    if not (approximate or between or period or origins):
        return None
    read_as = f"about {result}" if approximate else result
    if between is not None:
        low, high = (format_number(x) for x in between)
        read_as = f"{read_as}, the middle of {low} to {high}"
    head = f"({'; '.join(origins)}) " if origins else ""
    verb = "read as " if (approximate or between) else "➜ "
    suffix = f" ({'; '.join(origins)})" if origins else ""
    return f"{read_as}{suffix}", f"{head}{verb}{read_as}"


def read_budget(policy: Policy, value: Any, context: ColumnContext) -> Reading:
    raw, unit = _cell_unit(value, context)
    if isinstance(value, Formatted) and (value.percent or value.date):
        return refuse(policy, "budget", value.value, "is formatted as a percentage or a "
                                                     "date, not an amount")
    if is_number(raw):
        if not math.isfinite(raw):
            return refuse(policy, "budget", raw)
        return _budget(policy, Quantity(as_decimal(raw)), raw, unit)
    if not isinstance(raw, str):
        return refuse(policy, "budget", raw, f"({type(raw).__name__}) is not a budget")
    try:
        quantity = parse_quantity(policy, "budget", raw)
    except NotANumber as error:
        if _SIGN.search(raw.strip()):
            return refuse(policy, "budget", raw, "must be above 0")
        return refuse(policy, "budget", raw, error.problem or "is not recognised")
    return _budget(policy, quantity, raw, unit)


def _budget(policy: Policy, quantity: Quantity, value: Any, unit: Unit | None) -> Reading:
    """Section 10's precedence, part by part: what the cell types, then the format or the
    header; never two multipliers."""
    number = quantity.value
    if number <= 0:
        return refuse(policy, "budget", value, "must be above 0")
    origins = []
    typed_multiplier = quantity.multiplier is not None
    if unit is not None and not unit.is_plain:
        applied = []
        if unit.multiplier != 1 and not typed_multiplier:
            number *= unit.multiplier
            applied.append("scale")
        if unit.per_year != 1 and quantity.period is None:
            number *= unit.per_year
            applied.append("period")
        if unit.currency is not None and not quantity.currencies:
            applied.append("currency")
        if applied:
            origins.append(unit.origin or "the column's unit")
        if typed_multiplier and unit.multiplier != 1:
            origins.append(f"the unit typed in the cell, not {unit.origin or 'the header'}")
    elif unit is not None and unit.whole and unit.origin and not typed_multiplier:
        origins.append(unit.origin)
    number *= quantity.per_year
    currency = _currency(policy, value, quantity.currencies,
                         unit.currency if unit is not None else None)
    if isinstance(currency, Reading):
        return currency
    return _euros(policy, number, value, quantity, currency, origins)


def _euros(policy: Policy, number: Decimal, value: Any, quantity: Quantity,
           currency: str | None, origins: list[str]) -> Reading:
    conversion = ""
    if currency is not None:
        rate = policy.rates[currency]
        conversion = f"{show(value)} at {rate} ➜ "
        number = number * rate
    euros = f"€{format_number(number)}"
    rule = policy.budget_scale.rule_for(number)
    if currency is not None:
        text = f"{conversion}{euros}"
        return Reading(rule, f"{text} a year ({currency} at the rate given)",
                       note=f"budget {text}", number=number)
    how = _how(quantity, f"{euros} a year", origins)
    if how is None:
        return Reading(rule, f"{euros} a year", number=number)
    return noted(Reading(rule, how[0], number=number), "budget", value, how[1])


def _currency(policy: Policy, value: Any, marks: tuple[str, ...], column: str | None
              ) -> str | Reading | None:
    """The currency a budget names: None for euros, a code with a rate, or the refusal."""
    named: set[str] = set()
    for mark in marks:
        if mark in policy.ambiguous_symbols:
            meant = policy.ambiguous_symbols[mark]
            example = (re.findall(r"\b[A-Z]{3}\b", meant) or ["GBP"])[0]
            return refuse(
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
        return refuse(policy, "budget", value,
                      f"names two currencies ({', '.join(sorted(named))})")
    if not named and column is not None:
        named.add(column.upper())
    if not named or named == {"EUR"}:
        return None
    code = named.pop()
    if code not in policy.rates:
        return refuse(
            policy, "budget", value,
            f"is in {code} and no rate is given: add --rate {code}=EUROS_FOR_ONE_{code} "
            f"(e.g. --rate {code}=1.17), or {code} under [budget.rates] in a policy file or "
            "in a template's Policy sheet; decider builds in no rate")
    return code
