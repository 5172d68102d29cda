"""Multi-country (decision policy, sections 1 and 9.5): yes/no, a number, words and regions,
and lists of countries counted with ISO 3166 names and codes (from pycountry)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cache
from typing import Any

from decider.policy import Policy, normalise_label
from decider.reading.base import Reading, is_boolean, is_number, noted, refuse

_SEPARATORS = re.compile(r"\s*[,;/&+|]\s*")
_COUNT = re.compile(r"(?P<int>\d+)\s*(?:countries|country)?")
_COUNT_IN_PARENS = re.compile(r"(?P<what>.*?)\s*\(\s*(?P<int>\d+)\s*(?:countries|country)?\s*\)")
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
    if counted is not None:  # "Nordics (4)"
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


def _listed(policy: Policy, value: Any, text: str) -> Reading:
    """A list of countries and regions: "DE, FR, IT", "Germany only", "UK & EMEA"."""
    only = _ONLY.fullmatch(text)
    rest = only["rest"] if only is not None else text
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
        what = f"'{unknown[0]}' is no country or region known" if unknown else "names no country"
        return refuse(policy, "multi_country", value, f"is not recognised ({what})")
    distinct = list(dict.fromkeys(codes))
    if regions:
        return noted(_countries(policy, None, f"{', '.join(regions)}: several"),
                     "multi_country", value, f"read as {', '.join(regions)}: several countries")
    count = len(distinct)
    listed = ", ".join(distinct)
    word = "country" if count == 1 else "countries"
    return noted(_countries(policy, count, f"{count} {word}: {listed}"), "multi_country", value,
                 f"read as {count} {word} ({listed})")


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
