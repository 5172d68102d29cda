"""Numbers as people type them (decision policy, sections 1, 9.3 and 9.4): grouping marks,
multipliers, approximations, ranges, unit words, currencies and periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from decider.policy import Policy

# A number's digits and marks; a space groups only when a digit follows it.
_DIGITS = r"\d(?:[\d.,]|[ \u00a0\u202f\u2009](?=\d))*"
_JOINERS = r"-|–|—|to"
# A comma and a dash after the digits, with no digit after them: a price with no cents.
_NO_CENTS = re.compile(r"(\d),[-–—](?!\s*[-–—]?\s*\d)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number read from text, before any unit from the column or the format applies."""

    value: Decimal
    multiplier: str | None = None  # the multiplier word typed ("k", "Mio.")
    factor: int = 1
    approximate: bool = False
    between: tuple[Decimal, Decimal] | None = None  # a range's two ends, scaled
    currencies: tuple[str, ...] = ()  # currency marks typed, casefolded
    period: str | None = None  # the period word typed ("/month")
    per_year: int = 1
    unit_word: str | None = None  # a size's unit word typed ("employees", "FTE")


class NotANumber(Exception):
    """The text is no quantity; `problem` says why when that is more than "not recognised"."""

    def __init__(self, problem: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem


def _words(words: Any) -> str:
    ordered = sorted({w.casefold() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered) or "(?!)"


def _pattern(policy: Policy, kind: str) -> re.Pattern[str]:
    """The whole-text pattern of a size ("size") or a budget ("budget"), cached."""
    key = ("quantity pattern", kind)
    found: re.Pattern[str] | None = policy.memo.get(key)
    if found is not None:
        return found
    mult = _words(policy.multipliers)
    approx = _words(policy.approximate_words)
    if kind == "size":
        money = "(?!)"
        tail = rf"(?P<unitword>{_words(policy.size_unit_words)})?"
    else:
        money = _words([*policy.currency_words, *policy.currency_symbols,
                        *policy.ambiguous_symbols, *policy.currency_codes])
        tail = rf"(?P<period>{_words(policy.periods)})?"
    found = re.compile(
        rf"(?P<approx>{approx})?\s*(?P<pre>{money})?\s*(?P<n1>{_DIGITS})\s*(?P<m1>{mult})?"
        rf"(?:\s*(?:{_JOINERS})\s*(?P<pre2>{money})?\s*(?P<n2>{_DIGITS})\s*(?P<m2>{mult})?)?"
        rf"\s*(?P<plus>\+)?\s*(?P<post>{money})?\s*{tail}\s*(?P<paren>\(.*\))?"
    )
    policy.memo[key] = found
    return found


def parse_quantity(policy: Policy, kind: str, text: str) -> Quantity:
    """The quantity in `text` (a size or a budget), or `NotANumber`."""
    folded = " ".join(text.casefold().split())
    folded = re.sub(r"\s*/\s*", "/", folded)  # "500k / month"
    folded = _NO_CENTS.sub(r"\1", folded)  # "6.000.000,- €": no cents, as German prices
    match = _pattern(policy, kind).fullmatch(folded)
    if match is None:
        raise NotANumber()
    m1, m2 = match["m1"], match["m2"]
    first = _number(match["n1"], has_multiplier=bool(m1 or m2))
    if m1 is None and m2 is not None and match["n2"]:
        m1 = m2  # "2-3k": the multiplier is both ends'
    factor1 = policy.multipliers[m1] if m1 else 1
    value = first * factor1
    between = None
    if match["n2"]:
        factor2 = policy.multipliers[m2] if m2 else factor1
        second = _number(match["n2"], has_multiplier=bool(m2 or m1)) * factor2
        if not 0 < value < second:
            raise NotANumber("is a range whose first end is not below its second")
        between = (value, second)
        value = (value + second) / 2
    marks = tuple(m for m in (match["pre"], match["pre2"], match["post"]) if m)
    period = match.groupdict().get("period")
    return Quantity(
        value=value, multiplier=m1 or m2, factor=factor1 if not between else 1,
        approximate=bool(match["approx"]), between=between, currencies=marks,
        period=period, per_year=policy.periods[period] if period else 1,
        unit_word=match.groupdict().get("unitword"),
    )


def _number(digits: str, has_multiplier: bool) -> Decimal:
    """One number's digits: spaces and a comma before exactly three digits group
    thousands; a dot before exactly three digits groups them too when no other decimal
    mark and no multiplier is typed (1.200 is 1200); any other comma or dot is decimal."""
    parts = re.split(r"[ \u00a0\u202f\u2009]", digits)
    if any(not re.fullmatch(r"\d{3}", p.split(",")[0].split(".")[0]) for p in parts[1:]):
        raise NotANumber()
    text = "".join(parts)
    if "," in text and "." in text:
        # Both marks: the last one is the decimal mark and the other groups thousands,
        # "6,000,000.00" as "6.000.000,00" (European); a dot before a comma can be nothing
        # else, so this reading is the only one.
        if text.rfind(".") > text.rfind(","):
            head, _, tail = text.rpartition(".")
            group = ","
        else:
            head, _, tail = text.rpartition(",")
            group = "."
        if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+", head) and tail.isdigit():
            return Decimal(f"{head.replace(group, '')}.{tail}")
        raise NotANumber()
    if "," in text:
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
            return Decimal(text.replace(",", ""))
        if re.fullmatch(r"\d+,\d+", text):
            return Decimal(text.replace(",", "."))
        raise NotANumber()
    if "." in text:
        if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", text):
            if text.count(".") == 1 and has_multiplier:
                head, tail = text.split(".")
                short = f"{head}.{tail.rstrip('0')}".rstrip(".")
                raise NotANumber(
                    f"could be {short} or {head}{tail} before its multiplier (a dot before "
                    f"three digits groups thousands in much of Europe): write {short} or "
                    f"{head}{tail}")
            return Decimal(text.replace(".", ""))
        if re.fullmatch(r"\d+\.\d+", text):
            return Decimal(text)
        raise NotANumber()
    if not text.isdigit():
        raise NotANumber()
    return Decimal(text)
