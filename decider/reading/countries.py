"""Multi-country (decision policy, sections 1 and 9.5): yes/no, a number, words and regions,
and lists of countries counted with ISO 3166 names and codes (from pycountry)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cache
from typing import Any

from decider.policy import Policy, normalise_label
from decider.policy.vocabulary import normalise_phrase
from decider.reading.base import Reading, is_boolean, is_number, noted, refuse, show

_SEPARATORS = re.compile(r"\s*[,;/&+|]\s*")
_COUNT = re.compile(r"(?P<int>\d+)\s*(?:countries|country)?")
_COUNT_IN_PARENS = re.compile(r"(?P<what>.*?)\s*\(\s*(?P<int>\d+)\s*(?:countries|country)?\s*\)")
# A remark in parentheses after a name in a list, before a separator or the end:
# "Germany (HQ), Poland", "Italy (sales office)".
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_AFTER_REMARK = re.compile(r"\s*(?:[,;/&+|]|and\b|$)", re.IGNORECASE)
_ITEM_BREAK = re.compile(r"[,;/&+|()]")
# Words that join an annotation's countries to the list: "(incl. Austria)".
_JOINING = frozenset({"incl", "including", "inc", "and", "plus", "with", "also", "as", "well"})
_ONLY = re.compile(r"^(?:only\s+)?(?P<rest>.*?)(?:\s+only)?$")
_LONGEST_NAME = 8  # words


@cache
def iso_countries() -> dict[str, str]:
    """Every ISO 3166 country's names and codes (normalise_label) -> its alpha-2 code."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            text = getattr(country, attribute, None)
            if text:
                names.setdefault(normalise_label(text), code)
    return names


def read_multi_country(policy: Policy, value: Any) -> Reading:
    if is_boolean(value):
        return _countries(policy, 2 if value else 1, "yes" if value else "no")
    if is_number(value):
        if not math.isfinite(value) or value != int(value) or value < 0:
            return refuse(policy, "multi_country", value, "is not a number of countries")
        return _countries(policy, int(value), f"{int(value)} countries")
    if not isinstance(value, str):
        return refuse(policy, "multi_country", value)
    folded = normalise_label(value)
    if folded in policy.multi_country_yes:
        return _countries(policy, None, "yes")
    if folded in policy.multi_country_no:
        return _countries(policy, 0, "no")
    text = " ".join(value.strip().casefold().split())
    match = _COUNT.fullmatch(text)
    if match is not None:
        count = int(match["int"])
        return _countries(policy, count, f"{count} countries")
    counted = _COUNT_IN_PARENS.fullmatch(text)
    if counted is not None and not _names_countries(policy, counted["what"]):
        # "Nordics (4)": the region's count; "Germany (2)" is left to the list's reading.
        count = int(counted["int"])
        return noted(_countries(policy, count, f"{count} countries"), "multi_country", value,
                     f"read as {count} countries")
    word = normalise_label(text.split("(")[0]) if text.endswith(")") else ""
    if word in policy.multi_country_yes or word in policy.multi_country_no:
        # "Yes (DE, FR)", "No (Germany only)": the word, its explanation aside.
        yes = word in policy.multi_country_yes
        return noted(_countries(policy, None if yes else 0, "yes" if yes else "no"),
                     "multi_country", value, f"read as {'yes' if yes else 'no'}")
    return _listed(policy, value, text)


def _names_countries(policy: Policy, text: str) -> bool:
    """Whether a text is a list of countries, or holds a separator of one."""
    stripped = text.strip()
    return bool(_SEPARATORS.search(text)) or (
        bool(stripped) and _country_codes(policy, stripped) is not None)


def _listed(policy: Policy, value: Any, text: str) -> Reading:
    """A list of countries and regions: "DE, FR, IT", "Germany only", "UK & EMEA", and
    "Germany (HQ), Poland", an annotation after a name aside."""
    only = _ONLY.fullmatch(text)
    rest = only["rest"] if only is not None else text
    rest, annotations = _set_aside(rest)
    codes: list[str] = []
    regions: list[str] = []
    unknown: list[str] = []
    for item in filter(None, _SEPARATORS.split(rest)):
        label = normalise_label(item)
        if label in policy.multi_country_yes:
            regions.append(item)
            continue
        found = _country_codes(policy, item)
        if found is None:
            unknown.append(item)
        else:
            codes.extend(found)
    if unknown or not (codes or regions):
        what = (f"'{show(unknown[0])}' is no country or region known" if unknown
                else "names no country")
        return refuse(policy, "multi_country", value, f"is not recognised ({what})")
    distinct = list(dict.fromkeys(codes))
    if regions:
        return noted(_countries(policy, None, f"{', '.join(regions)}: several"),
                     "multi_country", value, f"read as {', '.join(regions)}: several countries")
    doubt = _annotations_doubt(policy, value, distinct, annotations)
    if isinstance(doubt, Reading):
        return doubt
    count = len(distinct)
    listed = ", ".join(distinct)
    word = "country" if count == 1 else "countries"
    return noted(_countries(policy, count, f"{count} {word}: {listed}{doubt}"),
                 "multi_country", value, f"read as {count} {word} ({listed}){doubt}")


def _set_aside(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The list without the remarks after its names, and each (name, remark). One pass
    (a hostile cell of thousands of characters stays cheap)."""
    kept: list[str] = []
    annotations: list[tuple[str, str]] = []
    done = scanned = cut = 0
    for match in _PARENTHESIS.finditer(text):
        for mark in _ITEM_BREAK.finditer(text, scanned, match.start()):
            cut = mark.end()
        scanned = match.start()
        item = text[max(cut, done):match.start()]
        if not item.strip() or not _AFTER_REMARK.match(text, match.end()):
            continue
        annotations.append((item.strip(), match[1]))
        kept.append(text[done:match.start()].rstrip())
        done = match.end()
    kept.append(text[done:])
    return "".join(kept), annotations


def _annotations_doubt(policy: Policy, value: Any, codes: list[str],
                       annotations: list[tuple[str, str]]) -> str | Reading:
    """What the list's annotations change. One that names countries ("(incl. Austria)"),
    gives a count ("(2)") or takes its country back ("(no office)") is a second reading:
    where it gives another answer, the refusal naming both; where the same, the words
    saying it was set aside. Any other ("(HQ)", "(from 2025)") is set aside: "" or the
    words saying so."""
    several = len(codes) > policy.countries_above
    negations = {normalise_phrase(w) for key in ("negations", "negation_prefixes")
                 for w in policy.data.get("reading", {}).get(key, [])}
    # The annotations as typed, for the texts (the list's own are casefolded).
    typed = _set_aside(" ".join(str(value).split()))[1]
    shown = typed if len(typed) == len(annotations) else annotations
    aside: list[str] = []
    either: list[str] = []
    yes_no = "several" if several else "one"
    for (item, note), (item_shown, note_shown) in zip(annotations, shown, strict=True):
        other = _other_count(policy, item, note, codes, negations)
        if other is None or other == len(codes):
            aside.append(f"'({note_shown})'")
        elif (other > policy.countries_above) == several:
            either.append(f"'({note_shown})' read as changing the count makes {other}, "
                          f"{yes_no} either way")
        else:
            word = "country" if len(codes) == 1 else "countries"
            return refuse(policy, "multi_country", value,
                          f"could be {len(codes)} {word} ({', '.join(codes)}) or {other}, "
                          f"reading '({note_shown})' after '{item_shown.strip()}' as changing "
                          "the count; write the countries as a list, or their number")
    parts = ([f"{', '.join(aside)} aside"] if aside else []) + either
    return "".join(f", {part}" for part in parts)


def _other_count(policy: Policy, item: str, note: str, codes: list[str],
                 negations: set[str]) -> int | None:
    """The count when an annotation is read as part of the list, or None when it is only
    a remark."""
    number = _COUNT.fullmatch(note.strip())
    if number is not None:
        return int(number["int"])
    words = normalise_phrase(note).split()
    if negations & set(words):
        left = set(codes) - set(_country_codes(policy, item.strip()) or [])
        return len(left)
    named = _listed_codes(policy, " ".join(w for w in words if w not in _JOINING))
    if named:
        return len(set(codes) | set(named))
    return None


def _listed_codes(policy: Policy, text: str) -> list[str] | None:
    """The countries a text names when it is nothing but a list of them."""
    codes: list[str] = []
    for item in filter(None, _SEPARATORS.split(text)):
        found = _country_codes(policy, item)
        if found is None:
            return None
        codes.extend(found)
    return codes or None


def _country_codes(policy: Policy, item: str) -> list[str] | None:
    """The countries one list item names, reading several names in it if it holds some
    ("Germany France" is two); None when a word is no country."""
    words = item.split()
    names = iso_countries()
    codes: list[str] = []
    start = 0
    while start < len(words):
        if words[start] == "and" and start > 0:  # "Germany and France"
            start += 1
            continue
        for end in range(min(len(words), start + _LONGEST_NAME), start, -1):
            label = normalise_label(" ".join(words[start:end]))
            code = policy.country_aliases.get(label) or names.get(label)
            if code is None and label.startswith("the"):
                code = policy.country_aliases.get(label[3:]) or names.get(label[3:])
            if code is not None:
                codes.append(code)
                start = end
                break
        else:
            return None
    return codes


def _countries(policy: Policy, count: int | None, read_as: str) -> Reading:
    several = count is None or count > policy.countries_above
    if several:
        return Reading(policy.multi_country_rule, f"several countries ({read_as})", flag=True,
                       number=None if count is None else Decimal(count))
    return Reading(None, f"one country ({read_as})",
                   number=None if count is None else Decimal(count))
