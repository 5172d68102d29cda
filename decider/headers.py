"""What a header cell says: which input its column holds, and what the column's bare
numbers mean (decision policy, section 10). Pure: text in, `ColumnContext` out.

- `fields_of("AI budget (k€)")` is {"budget"}; "People partner", "AI budget share" and
  "IT budget 2026 (€)" name no input (a person, a share, another budget).
- `header_unit("budget", "AI budget (k€)")` is Unit(multiplier=1000, origin='k€ from the
  header "AI budget (k€)"'); "AI budget (bitcoin)" is refused, naming the column.
- `column_context("maturity", "AI maturity (1-5)", values)` says a bare number is a level
  on five; a column of whole numbers 1 to 5 says so too, from its values.

Each is decided once per column, never per cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext, Unit
from decider.errors import DeciderInputError

FIELDS = ("size", "maturity", "regulation", "budget", "multi_country")
# Sections 8 and 10's words, as `words` normalises them ("multi-country" is "multi country",
# "Beschäftigte" is "beschaftigte").
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "size": ("size", "employees", "employee", "headcount", "staff", "fte", "ftes",
             "workforce", "people", "mitarbeiter", "beschaftigte", "effectif", "effectifs",
             "empleados", "dipendenti", "medewerkers"),
    "maturity": ("maturity", "stage", "phase", "months of ai", "ai experience", "ai level",
                 "ai readiness", "ai adoption", "ai since", "ai start", "started ai",
                 "go live", "ki reifegrad", "reifegrad", "maturite ia", "madurez ia",
                 "maturita ia", "ai volwassenheid", "volwassenheid"),
    "regulation": ("regulation", "regulatory", "sector", "industry", "vertical",
                   "compliance regime", "regime", "branche", "secteur", "settore",
                   "regulierung", "reglementation", "regulacion", "regolamentazione",
                   "regelgeving"),
    "budget": ("budget", "spend", "spending", "investment", "ai spend", "ai investment",
               "presupuesto"),
    "multi_country": ("multi country", "multicountry", "countries", "international",
                      "lander", "pays", "paises", "paesi", "landen"),
}
# Headers about someone, or a share, name no input; "%" only for size and budget (under a
# maturity header it says the values are scores, section 9.1).
PERSON_WORDS = ("owner", "partner", "contact", "lead", "responsible")
SHARE_WORDS = ("share", "ratio")
OTHER_BUDGETS = ("it", "digital", "marketing", "r d", "total", "capex", "opex", "revenue",
                 "turnover", "sales")
AI_WORDS = ("ai", "ki", "ia", "genai", "gen ai")


def words(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one space, padded."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " " + re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip() + " "


def _has(text: str, phrases: Iterable[str]) -> bool:
    return any(f" {phrase} " in text for phrase in phrases)


def says_ai(header: str) -> bool:
    return _has(words(header), AI_WORDS)


def fields_of(header: str) -> set[str]:
    """The inputs a header's words name (usually one, or none)."""
    text = words(header)
    if _has(text, PERSON_WORDS):
        return set()
    found = {name for name, phrases in FIELD_WORDS.items() if _has(text, phrases)}
    share = _has(text, SHARE_WORDS)
    if share or "%" in header:
        found -= {"size", "budget", "multi_country"}
        if share:
            found.discard("maturity")
    if "budget" in found and _has(text, OTHER_BUDGETS) and not _has(text, AI_WORDS):
        found.discard("budget")
    return found


# -- units, scales, currencies and periods in a size or budget header ------------------

_THOUSAND, _MILLION, _BILLION = Decimal(1000), Decimal(1_000_000), Decimal(1_000_000_000)
_SCALES = {"k": _THOUSAND, "thousand": _THOUSAND, "thousands": _THOUSAND, "tsd": _THOUSAND,
           "'000": _THOUSAND, "000": _THOUSAND, "000s": _THOUSAND, "'000s": _THOUSAND,
           "m": _MILLION, "mn": _MILLION, "mln": _MILLION, "mio": _MILLION,
           "million": _MILLION, "millions": _MILLION, "mm": _MILLION,
           "bn": _BILLION, "bln": _BILLION, "billion": _BILLION, "billions": _BILLION,
           "mrd": _BILLION}
_SIZE_SCALES = {"k", "thousand", "thousands", "'000", "000", "000s", "'000s", "tsd",
                "million", "millions", "mn", "mio"}
_CODES = ("eur", "usd", "gbp", "chf", "jpy", "cny", "inr", "cad", "aud", "nzd", "sek", "nok",
          "dkk", "pln", "czk", "huf", "ron", "brl", "mxn", "zar", "sgd", "hkd", "aed", "sar",
          "krw", "try", "ils", "twd", "thb")
_SYMBOLS = {"€": None, "euro": None, "euros": None, "eur": None, "$": "USD", "us$": "USD",
            "£": "GBP", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY"}
_AMBIGUOUS = {"¥": "JPY or CNY", "kr": "SEK, NOK, DKK or ISK", "dollar": "USD, CAD, AUD...",
              "dollars": "USD, CAD, AUD...", "pound": "GBP, EGP...", "pounds": "GBP, EGP..."}
AMBIGUOUS_SYMBOLS = tuple(_AMBIGUOUS)
_PERIODS = ((re.compile(r"\bper\s+month\b|\bmonthly\b|(?<![a-z])p\.\s?m\.|/\s*(?:month|mo|mth)\b",
                        re.I), 12),
            (re.compile(r"\bper\s+quarter\b|\bquarterly\b|/\s*(?:quarter|qtr|q)\b", re.I), 4),
            (re.compile(r"\bper\s+(?:year|annum)\b|\bannual(?:ly)?\b|\byearly\b|\bp\.\s?a\.|"
                        r"/\s*(?:year|yr|y|an)\b", re.I), 1))
_TOKEN = re.compile(r"us\$|[€$£¥₹₽₩₺]|'?000s?\b|[^\W\d_]+\.?|\d+|[()\[\],;:/%]", re.I)
_GLUED = re.compile(r"^(k|t|m|mn|mio|bn)(" + "|".join(_CODES) + r")$|^("
                    + "|".join(_CODES) + r")(k|m|mn|bn)$")
# Words a budget header's parenthesis may hold besides a unit: "(approved)", "(est.)".
_FILLER = frozenset(
    ["ai", "genai", "ki", "ia", "budget", "spend", "spending", "investment",
     "investments", "annual", "annually", "yearly", "per", "year", "years", "yr", "y",
     "a", "p", "pa", "fy", "cy", "ny", "py", "in", "of", "and", "or", "the", "for",
     "est", "estimated", "estimate", "approx", "approximately", "planned", "plan",
     "approved", "forecast", "fc", "actual", "actuals", "budgeted", "committed",
     "spent", "total", "incl", "including", "excl", "excluding", "vat", "net", "gross",
     "opex", "capex", "current", "next", "this", "last", "ytd", "new", "run", "rate",
     "only", "all", "amount", "value", "values", "tbc", "tbd", "e", "g", "eg", "ie",
     "i", "numbers", "number", "cost", "costs", "it"])


_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to|/)\s*((?:19|20)?\d\d)\b")
_YEARS_COUNT = re.compile(r"\b(\d+|two|three|four|five|ten)[- ]?(?:years|yrs|year|yr)\b", re.I)
_CUMULATIVE = re.compile(r"\b(cumulative|cumulated|multi-?year|lifetime|over the plan)\b",
                         re.I)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}


def _several_years(header: str) -> str | None:
    """How a budget header says its figure covers several years ("2026-2028", "3 years",
    "cumulative"), or None. A fiscal year ("2025/26", "FY2025-26") is one year."""
    for found in _YEAR_SPAN.finditer(header):
        first, last = found.group(1), found.group(2)
        end = int(first[:2] + last if len(last) == 2 else last)
        if end - int(first) >= 2:
            return f"over the years {first} to {end}"
    count = _YEARS_COUNT.search(header)
    if count is not None:
        word = count.group(1).lower()
        number = int(word) if word.isdigit() else _COUNT_WORDS[word]
        if number >= 2:
            return f"over {number} years"
    cumulative = _CUMULATIVE.search(header)
    return "cumulated over several years" if cumulative else None


def header_unit(field: str, header: str) -> Unit | None:
    """The unit, scale, currency and period a size or budget header gives its bare numbers;
    None when it gives none (plain employees or euros a year). Refuses, naming the column,
    a budget header whose unit decider does not know ("AI budget (bitcoin)") or a symbol
    several currencies share."""
    if field not in ("size", "budget"):
        return None
    # A header wrapped on several lines (Alt+Enter) is shown and read as one line.
    header = " ".join(header.split())
    several = _several_years(header) if field == "budget" else None
    if several:
        raise DeciderInputError(
            f"column '{header}' gives a budget {several}: decider reads a yearly AI budget; "
            "put one year's figure in the column (e.g. 'AI budget 2026 (€m)')")
    per_year, seen, rest = 1, [], header
    if field == "budget":
        for pattern, count in _PERIODS:
            found = pattern.search(rest)
            if found is not None:
                per_year = count if per_year == 1 else per_year
                if count != 1:
                    seen.append((found.start(), found.end()))
                rest = rest[:found.start()] + " " * len(found.group()) + rest[found.end():]
    multipliers: set[Decimal] = set()
    currency: str | None = None
    unknown: list[str] = []
    tokens = list(_TOKEN.finditer(rest))
    depth = 0
    for position, token in enumerate(tokens):
        text = token.group().lower().rstrip(".")
        if text in "([":
            depth += 1
            continue
        if text in ")]":
            depth = max(depth - 1, 0)
            continue
        after = tokens[position + 1].group().lower() if position + 1 < len(tokens) else ""
        scale, code, known = _unit_of(field, text, after)
        if scale is not None:
            multipliers.add(scale)
        if code is not None:
            if code in _AMBIGUOUS.values():
                raise DeciderInputError(
                    f"column '{header}': {token.group()} may be {code}; write the currency's "
                    "code in the header (e.g. 'AI budget (kUSD)')")
            currency = code
        if scale is not None or code is not None or known:
            if known != "filler":
                seen.append(token.span())
        elif depth and field == "budget" and not text.isdigit() and not re.fullmatch(
                r"(fy|q|h|cy)\d+|\d+[a-z]?|[,;:/%-]", text):
            unknown.append(token.group())
    if len(multipliers) > 1:
        raise DeciderInputError(f"column '{header}' gives two scales; keep one "
                                "(e.g. 'AI budget (k€)' or 'AI budget (€M)')")
    if unknown and not seen:
        raise DeciderInputError(
            f"column '{header}': '{unknown[0]}' is no unit decider knows; a budget header may "
            "say k€, €M, €bn, EUR '000, a currency code (USD, GBP...) or a period (per "
            "month); remove it or write the unit")
    multiplier = multipliers.pop() if multipliers else Decimal(1)
    unit = Unit(multiplier, currency if currency != "EUR" else None, per_year)
    if unit.is_plain:
        return None
    return Unit(unit.multiplier, unit.currency, unit.per_year,
                origin=f'{_shown(header, seen)} from the header "{header}"')


def _unit_of(field: str, text: str, after: str) -> tuple[Decimal | None, str | None, str]:
    """(scale, currency code, "unit"/"filler"/"") of one token of a header."""
    scale: Decimal | None = None
    code: str | None = None
    if field == "size":
        if text in _SIZE_SCALES:
            return _SCALES[text], None, "unit"
        return None, None, ""
    glued = _GLUED.match(text)
    if glued:
        prefix, first_code, last_code, suffix = glued.groups()
        mark = prefix or suffix
        scale = _THOUSAND if mark == "t" else _SCALES[mark]
        code = (first_code or last_code).upper()
        return scale, code, "unit"
    if text == "t" and after in ("€", "eur"):
        return _THOUSAND, None, "unit"
    if text in _SCALES:
        return _SCALES[text], None, "unit"
    if text in _SYMBOLS:
        return None, _SYMBOLS[text] or "EUR", "unit"
    if text in _CODES:
        return None, text.upper(), "unit"
    if text in _AMBIGUOUS:
        return None, _AMBIGUOUS[text], "unit"
    if text in _FILLER:
        return None, None, "filler"
    return None, None, ""


def _shown(header: str, spans: list[tuple[int, int]]) -> str:
    """The unit as the header writes it: "k€", "EUR '000", "€m, per month"."""
    spans = sorted(spans)
    groups: list[list[int]] = []
    for start, end in spans:
        if groups and start - groups[-1][1] <= 1:
            groups[-1][1] = max(groups[-1][1], end)
        else:
            groups.append([start, end])
    return ", ".join(header[start:end].strip() for start, end in groups)


# -- maturity: levels, scores, months, dates ---------------------------------------------

_RANGE = re.compile(r"\b(?P<low>[01])\s*(?:-|–|to|\.\.)\s*(\d{1,3})\b|"
                    r"(?:^|\s|\()/\s*(\d{1,2})\b|\bof\s+(\d{1,2})\b|\b(\d{1,2})[- ]point\b",
                    re.I)
_LEVEL_WORDS = ("level", "levels", "stage", "rating", "tier", "scale", "stufe", "niveau",
                "nivel", "livello")
_SCORE_WORDS = ("score", "index")
_YEAR_WORDS = ("years", "year", "yrs", "yr")
_START_WORDS = ("since", "start", "started", "go live", "date", "when")
_TIME_WORDS = ("months", "month", "years", "year", "experience", "since", "start", "started",
               "go live", "date")


def _numbers(values: Iterable[Any]) -> list[float]:
    out = []
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if value == value:  # not NaN
                out.append(float(value))
        elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            out.append(float(value))
    return out


def maturity_context(header: str, values: Iterable[Any] = (),
                     as_of: date | None = None) -> ColumnContext:
    """Whether a maturity column's bare numbers are levels (on how many), scores, or
    months (section 9.1), from its header, else from its values taken together."""
    header = " ".join(header.split())
    text = words(header)
    numbers = _numbers(values)
    whole = bool(numbers) and all(n == int(n) for n in numbers)
    largest = int(max(numbers)) if numbers else 0
    quoted = f'the header "{header}"'
    if _has(text, _YEAR_WORDS) and not _has(text, (*_START_WORDS, "months", "month")):
        # "AI experience (years)": a bare 3 is three years, not three months.
        return ColumnContext(unit=Unit(Decimal(12), origin=f"years from {quoted}"),
                             as_of=as_of)
    if _has(text, _TIME_WORDS):
        return ColumnContext(as_of=as_of) if as_of else NO_CONTEXT
    ranged = _RANGE.search(header)
    top = next((int(g) for g in ranged.groups()[1:] if g), 0) if ranged else 0
    if top >= 20 or "%" in header:  # "(0-100)", "%": a score
        return ColumnContext(score=True, origin=quoted, as_of=as_of)
    if 2 <= top <= 10:
        if ranged is not None and ranged["low"] == "0":
            # "(0-5)": six levels, 0 the first; read as 1-5 it would shift every level.
            return ColumnContext(levels=top + 1, lowest=0, origin=quoted, as_of=as_of)
        return ColumnContext(levels=top, origin=quoted, as_of=as_of)
    if _has(text, _SCORE_WORDS) and not (whole and largest <= 10):
        return ColumnContext(score=True, origin=quoted, as_of=as_of)
    if _has(text, ("phase",)) and not _has(text, _LEVEL_WORDS + _SCORE_WORDS):
        # The article's own numbering: phase 1 POC ... phase 4 Enterprise.
        return ColumnContext(levels=4, origin=quoted, as_of=as_of)
    if _has(text, _LEVEL_WORDS + _SCORE_WORDS):
        levels = largest if 4 < largest <= 10 and whole else 5
        return ColumnContext(levels=levels, origin=quoted, as_of=as_of)
    if whole and min(numbers) >= 1 and largest <= 5:
        return ColumnContext(levels=5, as_of=as_of,
                             origin="the column's values (every number a whole number "
                                    "from 1 to 5)")
    return ColumnContext(as_of=as_of) if as_of else NO_CONTEXT


def column_context(field: str, header: str, values: Iterable[Any] = (),
                   as_of: date | None = None) -> ColumnContext:
    """The context of one input column: decided once, from its header and (maturity) its
    distinct values."""
    if field == "maturity":
        return maturity_context(header, values, as_of)
    unit = header_unit(field, header)
    return NO_CONTEXT if unit is None else ColumnContext(unit=unit)
