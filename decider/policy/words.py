"""The vocabulary tables of a policy compiled into phrase matchers: maturity words and
published model levels (section 9.1), regulation level words, sectors and regimes
(sections 6 and 9.2). Every table is policy data, so a policy file can add words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.policy.checker import Checker, Rules, add_forms
from decider.policy.model import Meaning, Rule, normalise_label
from decider.policy.vocabulary import Phrase, PhraseMatcher, normalise_phrase


class _Vocabulary:
    """Phrases and their meanings as they are added; one meaning per phrase."""

    def __init__(self, check: Checker) -> None:
        self.check = check
        self.meanings: list[Meaning] = []
        self.phrases: dict[tuple[str, ...], Phrase] = {}

    def add(self, form: str, meaning: Meaning, rank: int, key: str,
            replace: bool = False) -> None:
        words = tuple(normalise_phrase(form).split())
        if not words:
            raise self.check.fail(key, f"has a form with no letters or digits: '{form}'")
        old = self.phrases.get(words)
        if old is not None and not replace:
            before = self.meanings[old.meaning]
            if before.rule != meaning.rule and before.refusal is None:
                raise self.check.fail(key, f"gives '{form}' a second meaning")
            if before.reading or not meaning.reading:
                return
        self.meanings.append(meaning)
        self.phrases[words] = Phrase(words, rank, len(self.phrases), len(self.meanings) - 1)

    def matcher(self, data: Mapping[str, Any]) -> PhraseMatcher:
        reading = data.get("reading", {})
        before = self.check.forms(reading.get("negations", []), "reading.negations")
        after = self.check.forms(reading.get("negations_after", []), "reading.negations_after")
        prefixes = self.check.forms(reading.get("negation_prefixes", []),
                                    "reading.negation_prefixes")
        return PhraseMatcher(self.phrases.values(), before, after, prefixes)


def _target(check: Checker, table: Mapping[str, int], name: Any, key: str,
            what: str = "a phase", names: Any = ()) -> int:
    index = table.get(normalise_label(str(name))) if isinstance(name, str) else None
    if index is None:
        shown = f" ({', '.join(names)})" if names else ""
        raise check.fail(key, f"must name {what}{shown}, not '{name}'")
    return index


def maturity_vocabulary(check: Checker, data: Mapping[str, Any], phases: Mapping[str, int],
                        order: list[int]) -> tuple[PhraseMatcher, tuple[Meaning, ...]]:
    """Phases' labels and forms, plain words, model levels and ambiguous words."""
    vocabulary = _Vocabulary(check)
    rank = {rule: position for position, rule in enumerate(order)}
    labels = {normalise_label(label): rule for label, rule in zip(
        data["maturity"]["phases"], order, strict=True)}
    for label, phase in data["maturity"]["phases"].items():
        rule = labels[normalise_label(label)]
        for form in [label, *phase.get("forms", [])]:
            vocabulary.add(form, Meaning(rule, kind="phase"), rank[rule],
                           f"maturity.phases.{label}.forms")
    for word, phase in check.optional_table(data, "maturity.words").items():
        rule = _target(check, labels, phase, f"maturity.words.{word}", "a phase",
                       data["maturity"]["phases"])
        vocabulary.add(word, Meaning(rule), rank[rule], f"maturity.words.{word}")
    for model in check.optional_table(data, "maturity.models"):
        key = f"maturity.models.{model}"
        check.table(data, key, {"levels", "source"})
        levels = check.optional_table(data, f"{key}.levels")
        for level, phase in levels.items():
            rule = _target(check, labels, phase, f"{key}.levels.{level}")
            vocabulary.add(level, Meaning(rule, f"{model}: {level}", kind="model"),
                           rank[rule], f"{key}.levels.{level}")
    for word, why in check.optional_table(data, "maturity.ambiguous").items():
        if not isinstance(why, str):
            raise check.fail(f"maturity.ambiguous.{word}", "must be a text saying both readings")
        vocabulary.add(word, Meaning(None, refusal=why), -1, f"maturity.ambiguous.{word}",
                       replace=True)
    return vocabulary.matcher(data), tuple(vocabulary.meanings)


def regulation_vocabulary(check: Checker, data: Mapping[str, Any], rules: Rules,
                          levels: dict[str, int], labels: dict[str, int]) -> dict[str, Any]:
    """Level words, sectors (each a rule at its level), regimes (each a rule citing its
    legal source) and the standards that are no regulation."""
    level_rules = rules.by_criterion["regulation"]
    # A level ranks by its vote, and a mandatory level above any other (section 6's ties).
    ordered = sorted(levels.values(), key=lambda i: (level_rules[i].mandatory, level_rules[i].vote))
    level_rank = {index: rank for rank, index in enumerate(ordered)}
    whole: dict[str, int] = {}
    level_words = _Vocabulary(check)
    for label, level in data["regulation"]["levels"].items():
        index = levels[normalise_label(label)]
        for form in [label, *level.get("forms", [])]:
            whole[normalise_phrase(form)] = index
            level_words.add(form, Meaning(index, kind="level"), level_rank[index],
                            f"regulation.levels.{label}.forms")
    for word, label in check.optional_table(data, "regulation.words").items():
        key = f"regulation.words.{word}"
        index = _target(check, levels, label, key, "a regulation level",
                        data["regulation"]["levels"])
        add_forms(check, labels, [word], index, key)
        whole.setdefault(normalise_phrase(word), index)
        level_words.add(word, Meaning(index, kind="level"), level_rank[index], key)

    named = _Vocabulary(check)
    sectors = check.table(data, "regulation.sectors",
                          set(data["regulation"].get("sectors") or {}))
    targets = {normalise_label(label): index for label, index in levels.items()}
    for label, sector in sectors.items():
        key = f"regulation.sectors.{label}"
        check.table(data, key, {"level", "forms", "source"})
        level = rules.by_criterion["regulation"][_target(
            check, levels, sector.get("level"), f"{key}.level", "a regulation level",
            data["regulation"]["levels"])]
        level_index = levels[normalise_label(level.label)]
        index = rules.add("regulation", Rule(
            "regulation", f"{label} ({level.label})", level.vote,
            str(sector.get("source") or f"{check.origin}: {label} ➜ {level.label}"),
            level.mandatory,
        ))
        targets[normalise_label(label)] = index
        forms = [label, *check.forms(sector.get("forms", []), f"{key}.forms")]
        add_forms(check, labels, forms, index, key)
        for form in forms:
            whole.setdefault(normalise_phrase(form), index)
            named.add(form, Meaning(index, kind="sector"), level_rank[level_index], key)
    _regimes(check, data, rules, named, targets, level_rank, levels)
    for phrase, why in check.optional_table(data, "regulation.not_regulations").items():
        if not isinstance(why, str):
            raise check.fail(f"regulation.not_regulations.{phrase}", "must be a text")
        named.add(phrase, Meaning(None, phrase, refusal=why, kind="not"), -1,
                  f"regulation.not_regulations.{phrase}", replace=True)
    return {"whole_phrases": whole, "regulation_matcher": named.matcher(data),
            "level_matcher": level_words.matcher(data),
            "regulation_meanings": tuple(named.meanings),
            "level_meanings": tuple(level_words.meanings)}


def _regimes(check: Checker, data: Mapping[str, Any], rules: Rules, named: _Vocabulary,
             targets: Mapping[str, int], level_rank: Mapping[int, int],
             levels: Mapping[str, int]) -> None:
    """Each regime a rule of its own: the sector's or level's vote, its own legal source."""
    regulation_rules = rules.by_criterion["regulation"]
    for name, regime in check.optional_table(data, "regulation.regimes").items():
        key = f"regulation.regimes.{name}"
        check.table(data, key, {"reads_as", "forms", "source"})
        target = regulation_rules[_target(check, targets, regime.get("reads_as"),
                                          f"{key}.reads_as", "a regulation level or sector")]
        level_label = target.label.rsplit(" (", 1)[-1].rstrip(")")
        index = rules.add("regulation", Rule(
            "regulation", f"{target.label} by {name}", target.vote,
            f"{check.text(regime, f'{key}.source')}; {target.source}", target.mandatory,
        ))
        rank = level_rank[levels[normalise_label(level_label)]]
        for form in [name, *check.forms(regime.get("forms", []), f"{key}.forms")]:
            named.add(form, Meaning(index, name, kind="regime"), rank, key)
