"""What a cell's number format says about its stored number (decision policy, section 10).

A cell holding 6 formatted `0.0"M€"` shows 6.0M€: the stored number is in millions. A
cell holding 6000000 formatted `€#,##0.0,,"M"` shows €6.0M too, but its scaling commas
only scale the display: the stored number is whole. `[$$-409]#,##0` is dollars, `0%` a
fraction shown as a percentage, `yyyy-mm-dd` an Excel serial date.

`format_meaning` reads one format code (pure); `style_meanings` reads a workbook's
styles.xml once and gives, per cell style index (`s="12"`), what its format says, only for
the styles whose format says something: a plain `0.00` cell stays a bare float and keeps
the reader's fast path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from decider.context import Formatted, Unit
from decider.errors import DeciderInputError
from decider.headers import AMBIGUOUS_SYMBOLS, header_unit
from decider.parsing import show
from decider.workbook.package.opening import Package, relationships

# Excel's built-in format ids a workbook may use without writing their code.
BUILT_IN: dict[int, str] = {
    9: "0%", 10: "0.00%", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
    **{i: "yyyy-mm-dd" for i in (*range(27, 37), *range(50, 59))},  # East Asian dates
}


@dataclass(frozen=True, slots=True)
class Meaning:
    """What one number format says: the template of a `Formatted` cell."""

    format_code: str
    unit: Unit | None = None
    percent: bool = False
    date: bool = False
    # A symbol several currencies share (`#,##0 "kr"`): the cell is handed on as it
    # shows ("6000 kr"), which the reader refuses asking for the code; never euros.
    ambiguous: str | None = None
    months: int | None = None  # a time unit: `0" yrs"` 12, `0" months"` 1

    def wrap(self, value: float) -> Formatted | str:
        if self.ambiguous is not None:
            return f"{show(value)} {self.ambiguous}"
        return Formatted(value, self.format_code, self.unit, self.percent, self.date,
                         self.months)


_QUOTED = re.compile(r'"([^"]*)"')
_ESCAPED = re.compile(r"\\(.)")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_BARE_SYMBOLS = re.compile(r"[€$£¥₹]")
_SCALING = re.compile(r"[0#?](?:\.[0#?]*)?,+(?![0#?,])")
_TIME_UNIT = re.compile(r"(?:(?P<years>years?|yrs?|jahre|ans|años|anni|jaar)|"
                        r"months?|mos?|mths?|monate|mois|meses|mesi|maanden)\.?")
_DATE = re.compile(r"[yd]|(?<![0#?])[hs]|\bm+\b", re.I)


def _first_section(code: str) -> str:
    """The format for positive numbers: up to the first ";" outside quotes."""
    inside = False
    for position, char in enumerate(code):
        if char == '"':
            inside = not inside
        elif char == ";" and not inside:
            return code[:position]
    return code


def format_meaning(code: str) -> Meaning | None:
    """What a number format code says about the stored number; None when nothing (a
    plain `0.00`, `#,##0 €`, `General`)."""
    section = _first_section(code)
    literals: list[str] = []
    currency_tags: list[str] = []
    for tag in _BRACKET.findall(section):
        if tag.startswith("$"):
            symbol = tag[1:].split("-", 1)[0]
            if symbol:
                currency_tags.append(symbol)
    rest = _BRACKET.sub(" ", section)
    literals.extend(_QUOTED.findall(rest))
    rest = _QUOTED.sub(" ", rest)
    literals.extend(_ESCAPED.findall(rest))
    rest = _ESCAPED.sub(" ", rest)
    literals.extend(_BARE_SYMBOLS.findall(rest))
    rest = _BARE_SYMBOLS.sub(" ", rest)
    if "%" in rest:
        return Meaning(code, percent=True)
    if not re.search(r"[0#?]", rest) and _DATE.search(rest.replace("General", "")):
        return Meaning(code, date=True)
    text = " ".join([*currency_tags, *literals]).strip()
    time_unit = _TIME_UNIT.fullmatch(text.lower())
    if time_unit is not None:
        # `0" yrs"` on a maturity column: the stored number is years, not months or a
        # level ("m" alone is left to budgets: millions).
        return Meaning(code, months=12 if time_unit.group("years") else 1)
    scaling = _SCALING.search(rest) is not None
    whole = f"whole: only its display is scaled, from the number format {code}"
    if not text:
        # `#,##0,` shows thousands of a whole stored number: no header scale applies.
        return Meaning(code, Unit(whole=True, origin=whole)) if scaling else None
    try:
        unit = header_unit("budget", text)
    except DeciderInputError:
        shared = next((symbol for symbol in AMBIGUOUS_SYMBOLS
                       if re.search(r"(?<![a-z])" + re.escape(symbol) + r"(?![a-z])",
                                    text.lower())), None)
        return Meaning(code, ambiguous=shared) if shared else None
    if unit is None:
        return None
    seen = unit.origin.split(" from the header ", 1)[0]
    if scaling:
        # Scaling commas: the display is scaled, the stored number is whole.
        return Meaning(code, Unit(currency=unit.currency, per_year=unit.per_year,
                                  whole=True, origin=", ".join(filter(None, (
                                      unit.currency, whole)))))
    return Meaning(code, Unit(unit.multiplier, unit.currency, unit.per_year,
                              origin=f"{seen} from the number format {code}"))


def style_meanings(package: Package) -> dict[bytes, Meaning]:
    """Per cell style index (as in `s="12"`), what its number format says, for the styles
    whose format says something. Each distinct format is read once."""
    member = _styles_member(package)
    if member is None:
        return {}
    root = package.parse(member)
    ns = {"m": root.nsmap.get(None) or "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    codes = dict(BUILT_IN)
    for fmt in root.findall("m:numFmts/m:numFmt", ns):
        try:
            codes[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
        except ValueError:
            continue
    meanings: dict[int, Meaning | None] = {}
    out: dict[bytes, Meaning] = {}
    for index, xf in enumerate(root.findall("m:cellXfs/m:xf", ns)):
        try:
            number = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if number not in meanings:
            code = codes.get(number)
            meanings[number] = format_meaning(code) if code else None
        meaning = meanings[number]
        if meaning is not None:
            out[str(index).encode()] = meaning
    return out


def _styles_member(package: Package) -> str | None:
    workbook = package.workbook
    if not workbook:
        return None
    for _id, kind, target in relationships(package, workbook):
        if kind.endswith("/styles") and target in package.names:
            return target
    return None
