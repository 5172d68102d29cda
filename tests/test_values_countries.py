"""Multi-country as people type it (decision policy, section 9.5): words, regions, and
lists of countries counted with ISO 3166 names and codes."""

from __future__ import annotations

from typing import Any

import pytest
from values_agree import assert_entry_points_agree

from decider import DeciderInputError, recommend


def several(value: Any) -> bool:
    # Size 40 votes 0; multi-country yes makes the size criterion vote 100.
    return recommend(40, "POC", "Light", None, value).rationale[0].vote == 100


@pytest.mark.parametrize("word", ["global", "worldwide", "international", "multinational",
                                  "multi-country", "cross-border", "pan-European", "EU-wide",
                                  "Europe-wide", "EMEA", "APAC", "Americas", "LATAM",
                                  "Nordics", "DACH", "Benelux"])
def test_words_and_regions_for_several_countries(word: str) -> None:
    assert several(word) and several(word.upper())


@pytest.mark.parametrize("word", ["domestic", "national", "local", "single country",
                                  "one country", "Germany only", "only Germany", "UK only",
                                  "only the Netherlands", "US only"])
def test_words_for_one_country(word: str) -> None:
    assert not several(word)


@pytest.mark.parametrize(("text", "count"), [
    ("DE, FR, IT", 3), ("Germany; France", 2), ("DE/FR", 2), ("US & CA", 2),
    ("UK + Ireland", 2), ("Germany and France", 2), ("USA, UAE, UK", 3),
    ("Bosnia and Herzegovina, Croatia", 2), ("Trinidad and Tobago", 1), ("deu, fra", 2),
    ("Germany", 1), ("DE", 1), ("Germany, Deutschland?", None),
    ("DE, DEU, Germany", 1),  # one country named three ways
    ("Nordics (4)", 4), ("EMEA (12 countries)", 12),
])
def test_lists_of_countries_are_counted(text: str, count: int | None) -> None:
    if count is None:
        with pytest.raises(DeciderInputError) as error:
            recommend(40, "POC", "Light", None, text)
        assert "no country or region known" in error.value.one_line
        return
    assert several(text) == (count > 1)
    result = recommend(40, "POC", "Light", None, text)
    assert f"{count} countr" in result.explanation + " ".join(
        line.read_as for line in result.rationale)


def test_the_reading_names_the_countries() -> None:
    result = recommend(40, "POC", "Light", None, "DE, FR, IT")
    assert "multi-country 'DE, FR, IT' read as 3 countries (DE, FR, IT)" in result.explanation


def test_no_alone_is_no_but_in_a_list_it_is_norway() -> None:
    assert not several("NO")
    assert several("SE, NO")


def test_an_unknown_word_is_refused_short() -> None:
    with pytest.raises(DeciderInputError) as error:
        recommend(40, "POC", "Light", None, "Atlantis, DE")
    assert "'atlantis'" in error.value.one_line and "decider policy show" in error.value.one_line


@pytest.mark.parametrize(("text", "yes"), [("Yes (EU)", True), ("No (Germany only)", False),
                                            ("yes (DE, FR)", True)])
def test_a_yes_or_no_with_an_explanation(text: str, yes: bool) -> None:
    assert several(text) == yes


def test_every_form_reads_alike_in_score_frame_and_orch_arch() -> None:
    forms = ["global", "EMEA", "Nordics", "domestic", "UK only", "only Germany", "DE, FR, IT",
             "US & CA", "Trinidad and Tobago", "Nordics (4)", "Yes (EU)", "Atlantis, DE", "NO"]
    assert_entry_points_agree([(40, "POC", "Light", None, form) for form in forms])
