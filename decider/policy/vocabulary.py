"""Words in free text: the one phrase matcher that reads sectors, regimes, regulation level
words and maturity words (decision policy, sections 6 and 9).

A phrase matches as whole words of the normalised text. Among the phrases found:
- a phrase inside the span of a longer one found is dropped ("food retail" hides "food");
- a phrase after a negation word in the same clause ("no", "non", "without", "excl.",
  ...), or followed by "free" ("health-free"), is no candidate: "Retail - no health data"
  names no Healthcare;
- what is left is ranked by the caller: the longest, then the higher level, then the
  earlier row of the table.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SINGLE_LETTER_AMPERSAND = re.compile(r"(?<![^\W\d_])([^\W\d_])\s*&\s*([^\W\d_])(?![^\W\d_])")
_NOT_WORD = re.compile(r"[^\w\x00]|_")
# What ends a negation's reach: "Retail (no health data), payments" still names payments.
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]{}|/+]|\s[-–—]\s|\bbut\b|\bhowever\b")
# A phrase longer than this many words is never looked for (bounds the work per cell).
MAX_PHRASE_WORDS = 8


def normalise_phrase(text: str) -> str:
    """An industry as words (decision policy, section 6): lower case; `&` kept only between
    two single letters ("o&g", "r&d"), any other `&` read as "and"; every other character
    that is not a letter or digit a space; spaces collapsed. "Oil & Gas" -> "oil and gas"."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\x00", " ")
    folded = _SINGLE_LETTER_AMPERSAND.sub(lambda m: f"{m[1]}\x00{m[2]}", folded)
    words = _NOT_WORD.sub(" ", folded.replace("&", " and ")).split()
    return " ".join(words).replace("\x00", "&")


def closest_form(text: str, forms: list[str]) -> str | None:
    """The accepted form closest to a misspelt value, when one is close ("finanse")."""
    found = difflib.get_close_matches(text, forms, n=1, cutoff=0.8)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase to look for, and what it means (an index into the caller's table)."""

    words: tuple[str, ...]
    rank: int  # the level's rank: of two phrases found, the higher level wins a tie
    order: int  # the row of the table: a further tie goes to the earlier row
    meaning: int


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase found in a text, at word positions start..end (end excluded)."""

    phrase: Phrase
    start: int
    end: int

    @property
    def text(self) -> str:
        return " ".join(self.phrase.words)


class PhraseMatcher:
    """Finds the phrases of a vocabulary in a text (see the module's docstring)."""

    def __init__(self, phrases: Iterable[Phrase], negations_before: Iterable[str],
                 negations_after: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        self._whole: dict[tuple[str, ...], Phrase] = {}
        for phrase in phrases:
            if not phrase.words or len(phrase.words) > MAX_PHRASE_WORDS:
                continue
            self._by_first.setdefault(phrase.words[0], []).append(phrase)
            self._whole.setdefault(phrase.words, phrase)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda p: -len(p.words))
        self._before = frozenset(normalise_phrase(w) for w in negations_before)
        self._after = frozenset(normalise_phrase(w) for w in negations_after)
        self._prefixes = frozenset(normalise_phrase(w) for w in prefixes)

    def phrases(self) -> list[str]:
        return [" ".join(words) for words in self._whole]

    def exact(self, text: str) -> Phrase | None:
        """The phrase that is the whole text, if one is."""
        return self._whole.get(tuple(normalise_phrase(text).split()))

    def find(self, text: str) -> list[Found]:
        """Every phrase of the text that is a candidate: not inside a longer one found, not
        negated. In the order of the text."""
        words, negated = _words_and_negation(text, self._before, self._prefixes)
        found: list[Found] = []
        for start, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                end = start + len(phrase.words)
                if tuple(words[start:end]) == phrase.words:
                    found.append(Found(phrase, start, end))
        found = _outermost(found)
        return [f for f in found
                if not negated[f.start]
                and not (f.end < len(words) and words[f.end] in self._after)]


def _outermost(found: list[Found]) -> list[Found]:
    """The phrases not inside a longer one found, in the order of the text: one sweep by
    start (a longer phrase first), so a hostile cell of thousands of words stays cheap."""
    kept: list[Found] = []
    reach = -1
    for one in sorted(found, key=lambda f: (f.start, -f.end)):
        if one.end <= reach:
            continue
        kept.append(one)
        reach = one.end
    return kept


def _words_and_negation(text: str, negations: frozenset[str], prefixes: frozenset[str]
                        ) -> tuple[list[str], list[bool]]:
    """The text's words, and for each whether a negation reaches it: a negation word
    ("no", "without") reaches the rest of its clause, a prefix ("non-bank") the next word."""
    words: list[str] = []
    negated: list[bool] = []
    for clause in _CLAUSE_BREAK.split(text):
        in_scope = after_prefix = False
        for word in normalise_phrase(clause).split():
            words.append(word)
            negated.append(in_scope or after_prefix)
            after_prefix = word in prefixes
            if word in negations:
                in_scope = True
    return words, negated


def best(found: Sequence[Found]) -> Found | None:
    """Of the candidates, the longest; then the higher level; then the earlier row."""
    if not found:
        return None
    return min(found, key=lambda f: (-len(f.phrase.words), -f.phrase.rank, f.phrase.order))


def highest(found: Sequence[Found]) -> Found | None:
    """Of separate candidates, the higher level; then the longest; then the earlier row
    (section 9.2: a cell naming several regimes or sectors takes the highest level)."""
    if not found:
        return None
    return min(found, key=lambda f: (-f.phrase.rank, -len(f.phrase.words), f.phrase.order))
