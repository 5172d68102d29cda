"""Regulation (decision policy, sections 6 and 9.2): a level, a sector, a regime, or an
industry text naming them."""

from __future__ import annotations

from typing import Any

from decider.policy import Policy, closest_form, normalise_label, normalise_phrase
from decider.reading.base import Reading, noted, refuse


def read_regulation(policy: Policy, value: Any) -> Reading:
    if not isinstance(value, str):
        return refuse(policy, "regulation", value)
    phrase = normalise_phrase(value)
    rule = policy.regulation_phrases.get(phrase)
    if rule is None:
        rule = policy.regulation_labels.get(normalise_label(value))  # "PureTech", "pure-tech"
    if rule is not None:
        return Reading(rule, policy.rules["regulation"][rule].label)
    found = policy.regulation_matcher.find(value)
    named = [f for f in found if policy.regulation_meanings[f.phrase.meaning].rule is not None]
    if named:
        # Section 9.2: several sectors or regimes named, the highest level.
        best = min(named, key=lambda f: (-f.phrase.rank, -len(f.phrase.words), f.phrase.order))
        return _found(policy, value, best.phrase.meaning)
    levels = [f for f in policy.level_matcher.find(value)
              if policy.level_meanings[f.phrase.meaning].rule is not None]
    if levels:
        best = min(levels, key=lambda f: (-f.phrase.rank, -len(f.phrase.words), f.phrase.order))
        rule = policy.level_meanings[best.phrase.meaning].rule
        assert rule is not None
        label = policy.rules["regulation"][rule].label
        return noted(Reading(rule, label), "regulation", value, f"➜ {label}")
    refused = [f for f in found if policy.regulation_meanings[f.phrase.meaning].refusal]
    if refused:
        meaning = policy.regulation_meanings[refused[0].phrase.meaning]
        return refuse(policy, "regulation", value,
                      f"names {meaning.reading}, which {meaning.refusal}; give the level "
                      "(Light, Medium, Strong, Critical) or the sector")
    return refuse(policy, "regulation", value, _no_match(policy, phrase))


def _found(policy: Policy, value: Any, meaning_index: int) -> Reading:
    meaning = policy.regulation_meanings[meaning_index]
    assert meaning.rule is not None
    label = policy.rules["regulation"][meaning.rule].label
    return noted(Reading(meaning.rule, label), "regulation", value, f"➜ {label}")


def _no_match(policy: Policy, phrase: str) -> str:
    close = closest_form(phrase, [*policy.regulation_phrases,
                                  *policy.regulation_matcher.phrases()])
    if close is None:
        return "is not recognised as a regulation level, a sector or a regulation"
    rule = policy.regulation_phrases.get(close)
    if rule is None:
        found = policy.regulation_matcher.exact(close)
        meaning = None if found is None else policy.regulation_meanings[found.meaning]
        rule = None if meaning is None else meaning.rule
        shown = meaning.reading if meaning is not None and meaning.reading else close
    else:
        label = policy.rules["regulation"][rule].label.split(" (")[0]
        shown = label if normalise_phrase(label) == close else f"{close} ({label})"
    return ("is not recognised as a regulation level, a sector or a regulation "
            f"(did you mean {shown}?)")

