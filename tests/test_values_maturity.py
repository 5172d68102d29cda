"""Maturity as people type it (decision policy, section 9.1): plain words, published model
levels, numbered scales, scores, percentages and start dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from values_agree import assert_entry_points_agree

from decider import DeciderInputError, recommend
from decider.context import ColumnContext, Formatted
from decider.parsing import read
from decider.policy import default_policy

# The section 9.1 table, word for word: the plain words of each phase.
PLAIN = {
    "POC": "poc, proof of concept, pilot, pilots, piloting, prototype, mvp, sandbox, trial, "
           "exploring, exploration, experimenting, experimentation, ideation, discovery, "
           "planning, early, early stage, beginner, novice, nascent, emerging, basic, low, "
           "pre-production, not yet in production, none, no ai, no ai yet, not started",
    "Scale-up": "scale-up, scale, scaling, rolling out, rollout, expanding, production, in "
                "production, live, go-live, deployed, implementing, operational, intermediate, "
                "developing, moderate, medium",
    "Mature": "mature, bau, business as usual, industrialised, industrialized, embedded, "
              "integrated, institutionalised, standardised, systematic, established, "
              "advanced, proficient, high",
    "Enterprise": "enterprise, enterprise-wide, company-wide, group-wide, at scale, pervasive, "
                  "transformational, transformative, ai-first, ai-native, ai-driven, "
                  "future-ready, leader, leading, expert, optimizing, optimized, very high",
}
# The published model levels of the same table.
MODELS = {
    "POC": ["Awareness", "Active", "Experiment and prepare", "Initial", "Adopted", "Ad hoc",
            "Opportunistic", "Tactical", "Experimenting", "Piloting", "Experimenters",
            "Foundational", "Approaching", "Aspirational"],
    "Scale-up": ["Operational", "Build pilots and capabilities", "Defined", "Strategic",
                 "Scaling", "Builders", "Innovators"],
    "Mature": ["Systemic", "Develop AI ways of working", "Quantitatively managed", "Achievers"],
    "Enterprise": ["Transformational", "Become AI future-ready", "Optimized", "Optimizing",
                   "Fully scaled"],
}
WORDS = [(word.strip(), phase) for phase, words in PLAIN.items() for word in words.split(",")]
LEVELS = [(level, phase) for phase, levels in MODELS.items() for level in levels]


def phase_of(value: Any, **options: Any) -> str:
    rule = recommend(300, value, "Medium", **options).rationale[1].rule
    assert rule is not None
    return rule


def refusal(value: Any, **options: Any) -> str:
    with pytest.raises(DeciderInputError) as error:
        recommend(300, value, "Medium", **options)
    return error.value.one_line


@pytest.mark.parametrize(("word", "phase"), WORDS)
def test_plain_words(word: str, phase: str) -> None:
    assert phase_of(word) == phase
    assert phase_of(word.upper()) == phase
    assert phase_of(f"{word.title()} maturity") == phase  # "maturity" is no phase word


@pytest.mark.parametrize(("level", "phase"), LEVELS)
def test_published_model_levels(level: str, phase: str) -> None:
    assert phase_of(level) == phase


def test_the_rationale_names_the_model() -> None:
    result = recommend(300, "Systemic", "Medium")
    assert "Gartner" in result.rationale[1].read_as
    assert "maturity 'Systemic' read as Gartner" in result.explanation


@pytest.mark.parametrize("word", ["maturity", "AI maturity", "maturity level"])
def test_maturity_itself_names_no_phase(word: str) -> None:
    assert "maturity '" in refusal(word)


@pytest.mark.parametrize(("word", "readings", "hint"), [
    ("Managed", ("CMMI (POC)", "MITRE and IDC (Mature)"), "write Managed (4/5)"),
    ("managed", ("CMMI (POC)", "MITRE and IDC (Mature)"), "write Managed (4/5)"),
    ("Repeatable", ("CMM (POC)", "IDC MaturityScape (Scale-up)"), "write Repeatable (3/5)"),
])
def test_managed_and_repeatable_alone_are_refused_naming_both_readings(
        word: str, readings: tuple[str, str], hint: str) -> None:
    message = refusal(word)
    assert "ambiguous" in message and hint in message
    assert all(reading in message for reading in readings)


@pytest.mark.parametrize(("text", "phase"), [("Managed (4/5)", "Mature"),
                                              ("Managed (2/5)", "POC"),
                                              ("Repeatable (3/5)", "Scale-up")])
def test_a_scale_settles_an_ambiguous_word(text: str, phase: str) -> None:
    assert phase_of(text) == phase


@pytest.mark.parametrize("text", ["None", "no AI yet", "No AI", "not started"])
def test_none_is_poc_not_blank(text: str) -> None:
    assert phase_of(text) == "POC"


def test_two_words_of_different_phases_are_refused_naming_both() -> None:
    message = refusal("early production")
    assert "'early' (POC)" in message and "'production' (Scale-up)" in message


def test_a_negated_word_is_no_candidate() -> None:
    assert phase_of("not in production") == "POC"
    assert phase_of("Pilot, not yet in production") == "POC"


# --- numbered scales -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "phase", "shown"), [
    ("Level 3", "Scale-up", "3 of 5"), ("L3", "Scale-up", "3 of 5"),
    ("Lvl 3", "Scale-up", "3 of 5"), ("3/5", "Scale-up", "3 of 5"),
    ("3 of 5", "Scale-up", "3 of 5"), ("Stage 2 of 4", "Scale-up", "2 of 4"),
    ("Tier 2", "POC", "2 of 5"), ("Level 3 - Defined", "Scale-up", "3 of 5"),
    ("level 4/4", "Enterprise", "4 of 4"), ("2 out of 3", "Scale-up", "2 of 3"),
])
def test_scale_forms(text: str, phase: str, shown: str) -> None:
    result = recommend(300, text, "Medium")
    assert result.rationale[1].rule == phase
    assert shown in result.rationale[1].read_as


@pytest.mark.parametrize(("levels", "phases"), [
    (5, ["POC", "POC", "Scale-up", "Mature", "Enterprise"]),  # the page's own example
    (4, ["POC", "Scale-up", "Mature", "Enterprise"]),  # one to one
    (3, ["POC", "Scale-up", "Mature"]),
])
def test_the_level_rule_on_n_levels(levels: int, phases: list[str]) -> None:
    assert [phase_of(f"{n}/{levels}") for n in range(1, levels + 1)] == phases
    # The same from the column: a bare number on that scale.
    context = ColumnContext(levels=levels, origin="the header")
    policy = default_policy()
    assert [policy.rules["maturity"][read(policy, "maturity", n, context).rule or 0].label
            for n in range(1, levels + 1)] == phases


def test_level_with_no_scale_says_five_is_assumed() -> None:
    result = recommend(300, "Level 3", "Medium")
    assert "maturity 'Level 3' read as 3 of 5 ➜ Scale-up" in result.explanation


@pytest.mark.parametrize("text", ["Level 6", "6/5", "0/5", "Level 0"])
def test_a_level_off_its_scale_is_refused(text: str) -> None:
    assert "scale" in refusal(text)


@pytest.mark.parametrize(("text", "phase"), [("Phase 1", "POC"), ("Phase 2", "Scale-up"),
                                              ("Phase 3", "Mature"), ("Phase 4", "Enterprise")])
def test_phase_n_is_the_articles_numbering(text: str, phase: str) -> None:
    assert phase_of(text) == phase


def test_a_bare_number_is_months_unless_the_column_says_level_or_score() -> None:
    policy = default_policy()
    assert recommend(300, 4, "Medium").rationale[1].read_as == "4 months practising AI"
    level = read(policy, "maturity", 4, ColumnContext(levels=5, origin='the header "(1-5)"'))
    assert policy.rules["maturity"][level.rule or 0].label == "Mature"
    assert level.note == "maturity 4 read as 4 of 5 (the header \"(1-5)\") ➜ Mature"
    score = read(policy, "maturity", 60, ColumnContext(score=True))
    assert policy.rules["maturity"][score.rule or 0].label == "Mature"


# --- scores and percentages ------------------------------------------------------------


@pytest.mark.parametrize(("score", "phase"), [(0, "POC"), (24.9, "POC"), (25, "Scale-up"),
                                               (49.99, "Scale-up"), (50, "Mature"),
                                               (74, "Mature"), (75, "Enterprise"),
                                               (100, "Enterprise")])
def test_score_bounds(score: float, phase: str) -> None:
    policy = default_policy()
    for value in (f"{score}%", Formatted(score / 100, "0%", percent=True)):
        reading = read(policy, "maturity", value)
        assert policy.rules["maturity"][reading.rule or 0].label == phase, value
    in_score_column = read(policy, "maturity", score, ColumnContext(score=True))
    assert policy.rules["maturity"][in_score_column.rule or 0].label == phase


def test_percent_rationale() -> None:
    assert "maturity '85%' read as score 85 of 100 ➜ Enterprise" in recommend(
        300, "85%", "Medium").explanation


@pytest.mark.parametrize("value", ["101%", "250%"])
def test_a_score_over_100_is_refused(value: str) -> None:
    assert "0 to 100" in refusal(value)


def test_a_fraction_in_a_score_column_is_refused_naming_both_readings() -> None:
    reading = read(default_policy(), "maturity", 0.85, ColumnContext(score=True))
    assert reading.error is not None and "fraction" in reading.error


# --- dates: when practice started ------------------------------------------------------

AS_OF = date(2025, 9, 1)


@pytest.mark.parametrize("value", ["2024-03", "2024-03-01", "Mar 2024", "March 2024",
                                   datetime(2024, 3, 1), date(2024, 3, 1),
                                   Formatted(45352.0, "yyyy-mm-dd", date=True)])
def test_a_start_date_counts_months_to_the_day_of_scoring(value: Any) -> None:
    # 2024-03-01 to 2025-09-01 is 18 months: Scale-up (18 is on the Scale-up side).
    result = recommend(300, value, "Medium", as_of=AS_OF)
    assert result.rationale[1].rule == "6 to 18 months"
    assert "18 months practising AI" in result.rationale[1].read_as
    later = recommend(300, value, "Medium", as_of=date(2025, 9, 2))
    assert later.rationale[1].rule == "over 18 months"


def test_the_months_are_the_readings_number() -> None:
    reading = read(default_policy(), "maturity", "2025-03-01", ColumnContext(as_of=AS_OF))
    assert reading.number == Decimal(6)


def test_a_date_after_the_day_of_scoring_is_not_started() -> None:
    result = recommend(300, "2026-01", "Medium", as_of=AS_OF)
    assert result.rationale[1].rule == "POC"
    assert "not started" in result.rationale[1].read_as


def test_without_as_of_a_date_counts_to_today() -> None:
    start = date.today().replace(day=1)
    year = start.year - 3
    result = recommend(300, f"{year}-{start.month:02d}", "Medium")
    assert result.rationale[1].rule == "over 18 months"


@pytest.mark.parametrize("value", ["2024-13", "2024-02-30"])
def test_an_impossible_date_is_refused(value: str) -> None:
    assert "not a date" in refusal(value)


@pytest.mark.parametrize("value", [2023, "2023", 2023.0])
def test_a_bare_year_is_refused_naming_both_readings(value: Any) -> None:
    import pandas as pd

    from decider import score_frame

    message = refusal(value)
    assert "year practice started or 2023 months" in message
    frame = pd.DataFrame({"size": [300], "maturity": [value], "regulation": ["Medium"]})
    assert score_frame(frame)["issues"].iloc[0] == message
    assert phase_of("2023-06", as_of=date(2025, 6, 1)) == "over 18 months"


def test_a_phase_and_months_in_one_cell_must_vote_alike() -> None:
    assert phase_of("Scaling (12 months)") == "Scale-up"  # both vote 50
    message = refusal("Pilot (12 months)")  # POC votes 0, 12 months 50
    assert "'pilot' (POC)" in message and "12 months" in message


@pytest.mark.parametrize(("text", "rule"), [("6-12 months", "6 to 18 months"),
                                             ("2-3 years", "over 18 months")])
def test_a_range_of_months_within_one_vote_is_its_middle(text: str, rule: str) -> None:
    assert phase_of(text) == rule


@pytest.mark.parametrize("text", ["3-9 months", "1-2 years"])
def test_a_range_of_months_across_two_votes_is_refused(text: str) -> None:
    assert "across two votes" in refusal(text)


def test_every_form_reads_alike_in_score_frame_and_orch_arch() -> None:
    forms = [w for w, _ in WORDS + LEVELS] + ["Level 3", "L3", "3/5", "Stage 2 of 4", "Tier 2",
                                             "Phase 4", "Managed", "85%", "Mar 2024"]
    assert_entry_points_agree([(300, form, "Medium", None, None) for form in forms])
