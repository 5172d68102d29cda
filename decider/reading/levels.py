"""Maturity levels on a numbered scale (decision policy, section 9.1): "Level 3", "3/5",
"Stage 2 of 4", and a level number given with a published model's level name ("4 -
Managed", "3 (Defined)", "Managed (4)"), which must agree with the name's phase."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from decider.context import ColumnContext
from decider.policy import Policy, normalise_label
from decider.reading.base import format_number

SCALE = re.compile(
    r"\b(?P<word>level|lvl|l|stage|tier|step|phase)\s*\.?\s*(?P<n>\d+(?:\.\d+)?)"
    r"(?:\s*(?:/|of|out of)\s*(?P<of>\d+))?\b"
    r"|(?<![\d.])(?P<n2>\d+(?:\.\d+)?)\s*(?:/|of|out of)\s*(?P<of2>\d+)\b"
)
# A level number with a level's name, either way round: "4 - Managed", "3 (Defined)",
# "Managed (4)", "Defined: 3".
_NUMBERED = re.compile(
    r"(?P<n>\d{1,2})\s*(?:[-–—:.)]\s*)?(?P<name>[^\d\s].*)"
    r"|(?P<name2>.*?[^\d\s(\[])\s*(?:[-–—:,]\s*|[(\[]\s*)?(?P<n2>\d{1,2})\s*[)\]]?"
)
# The levels an ambiguous word's text names: "level 2 of 5 in CMMI".
_LEVEL_OF = re.compile(r"\blevel (\d+) of (\d+)\b")


def between_levels(policy: Policy, n: Decimal, levels: int, lowest: int) -> str | None:
    """An average between two levels (2.3 of 5) read two ways: the scale's rule on 2.3
    (Scale-up) and its nearest level, 2 (POC). Where they vote differently, why it is
    refused (section 9: two readings, two answers); else None."""
    if n == n.to_integral_value():
        return None
    nearest = n.to_integral_value(rounding=ROUND_HALF_UP)
    first, second = on_scale(n, levels, lowest), on_scale(nearest, levels, lowest)
    if isinstance(first, str) or isinstance(second, str):
        return None
    rules = policy.rules["maturity"]
    a, b = (rules[policy.phase_order[max(1, min(p, 4)) - 1]] for p in (first[0], second[0]))
    if a.vote == b.vote:
        return None
    return (f"lies between two levels: {first[1]} by the scale's rule is {a.label}, its "
            f"nearest level {format_number(nearest)} is {b.label}; write a whole level")


def on_scale(n: Decimal, levels: int, lowest: int = 1) -> tuple[int, str] | str:
    """The phase of level n and how to show it ("3 of 5"; on a scale from 0, "3 on a 0 to
    5 scale, 4 of 6"), or why n is no level of the scale."""
    top = lowest + levels - 1
    if levels < 2:
        return "names a scale of fewer than 2 levels"
    if not lowest <= n <= top:
        return f"is no level on a {lowest} to {top} scale"
    position = n - lowest + 1
    shown = (f"{format_number(n)} of {levels}" if lowest == 1 else
             f"{format_number(n)} on a {lowest} to {top} scale, {format_number(position)} "
             f"of {levels}")
    return 1 + math.floor(4 * (position - 1) / levels), shown


def numbered_name(policy: Policy, text: str, context: ColumnContext
                   ) -> tuple[int, str] | str | None:
    """A level number given with a level's name ("4 - Managed", "3 (Defined)", "Managed
    (4)"): with a published model's level or an ambiguous word, the number is a level on
    the column's scale (1..5 unless the header says); with one of the article's phase
    labels ("2 - Scale-up"), the article's phase number. The phase it gives, and how to
    show it; or why it is no level; None when the text is no such pair."""
    found = _NUMBERED.fullmatch(text)
    if found is None:
        return None
    number, name = (found["n"], found["name"]) if found["n"] else (found["n2"], found["name2"])
    phrase = policy.maturity_matcher.exact(name)
    if phrase is None:
        return None
    meaning = policy.maturity_meanings[phrase.meaning]
    n = Decimal(number)
    if meaning.kind == "phase":
        labels = {normalise_label(policy.rules["maturity"][rule].label)
                  for rule in policy.phase_order}
        if normalise_label(name) not in labels or not 1 <= n <= len(policy.phase_order):
            return None  # "6 - Pilot" may be months or pilots: the word alone, as before
        return int(n), f"phase {int(n)} of the article"
    if meaning.kind != "model" and meaning.refusal is None:
        return None
    levels = context.levels or policy.default_levels
    lowest = context.lowest if context.levels else 1
    found_level = on_scale(n, levels, lowest)
    if isinstance(found_level, str):
        return found_level
    where = f" ({context.origin})" if context.levels and context.origin else ""
    return found_level[0], f"level {found_level[1]}{where}"


def settled(policy: Policy, level: tuple[int, str], word: str, why: str) -> str | None:
    """Why a level does not settle an ambiguous word ("Level 3 - Managed": Managed is level
    2 or 4 of 5, never Scale-up), naming both readings; None when the level's phase is one
    of the word's readings, or when the policy's text names no levels to check against."""
    phases = set()
    for n, of in _LEVEL_OF.findall(why):
        found_level = on_scale(Decimal(n), int(of))
        if not isinstance(found_level, str):
            phases.add(found_level[0])
    if not phases or level[0] in phases:
        return None
    return (f"names {level[1]} ({phase_label(policy, level[0])}), which is no reading of "
            f"'{word}': it {why}")


def phase_label(policy: Policy, phase: int) -> str:
    return policy.rules["maturity"][policy.phase_order[phase - 1]].label


def scale_phase(policy: Policy, match: re.Match[str], context: ColumnContext
                 ) -> tuple[int, str] | str:
    """The phase of one scale number, or why it cannot be read."""
    word = match["word"]
    n = Decimal(match["n"] or match["n2"])
    of = match["of"] or match["of2"]
    if word == "phase" and of is None:
        if n != n.to_integral_value() or not 1 <= n <= len(policy.phase_order):
            return f"names a phase the article does not have (phases 1 to " \
                   f"{len(policy.phase_order)})"
        return int(n), f"phase {int(n)} of the article"
    levels = int(of) if of is not None else (context.levels or policy.default_levels)
    lowest = context.lowest if of is None and context.levels else 1
    found = on_scale(n, levels, lowest)
    if isinstance(found, str):
        return found
    conflict = between_levels(policy, n, levels, lowest)
    if conflict:
        return conflict
    where = f" ({context.origin})" if of is None and context.levels and context.origin else ""
    return found[0], f"{found[1]}{where}"
