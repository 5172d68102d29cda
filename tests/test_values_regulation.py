"""Regulation as people type it (decision policy, section 9.2): level words, the regime
table with its legal sources, several named, negation, and what is no regulation."""

from __future__ import annotations

from typing import Any

import pytest
from values_agree import assert_entry_points_agree

from decider import DeciderInputError, recommend

# Section 9.2's level words, word for word.
LEVEL_WORDS = {
    "Light": ["none", "no regulation", "unregulated", "minimal", "low", "limited", "light"],
    "Medium": ["moderate", "medium", "average"],
    "Strong": ["high", "heavy", "tight", "strict", "stringent", "strong", "medium-high"],
    "Critical": ["very high", "critical", "extreme", "severe"],
}
# Section 9.2's regime table: (as typed, reading, vote, mandatory, words of its source).
REGIMES = [
    ("DORA", "Finance", 100, True, "2022/2554"), ("MiFID II", "Finance", 100, True, "2014/65"),
    ("MiFID", "Finance", 100, True, "2014/65"), ("MiFIR", "Finance", 100, True, "600/2014"),
    ("Basel III", "Finance", 100, True, "Basel"), ("Basel IV", "Finance", 100, True, "Basel"),
    ("CRR", "Finance", 100, True, "575/2013"), ("CRD IV", "Finance", 100, True, "2013/36"),
    ("CRD VI", "Finance", 100, True, "2013/36"), ("Solvency II", "Finance", 100, True,
                                                  "2009/138"),
    ("PSD2", "Finance", 100, True, "2015/2366"), ("PSD3", "Finance", 100, True, "PSD3"),
    ("GLBA", "Finance", 100, True, "Gramm-Leach-Bliley"),
    ("AMLD", "Finance", 100, True, "2015/849"), ("EMIR", "Finance", 100, True, "648/2012"),
    ("HIPAA", "Healthcare", 100, True, "45 CFR"), ("MDR", "Healthcare", 100, True, "2017/745"),
    ("IVDR", "Healthcare", 100, True, "2017/746"), ("GxP", "Healthcare", 100, True, "GxP"),
    ("GMP", "Healthcare", 100, True, "2017/1572"), ("GCP", "Healthcare", 100, True, "536/2014"),
    ("GLP", "Healthcare", 100, True, "2004/10"),
    ("FDA 21 CFR Part 11", "Healthcare", 100, True, "21 CFR Part 11"),
    ("FedRAMP", "Public sector", 100, True, "FedRAMP"),
    ("CJIS", "Public sector", 100, True, "Criminal Justice"),
    ("ITAR", "Aerospace & defence", 100, False, "22 CFR"),
    ("EAR", "Aerospace & defence", 100, False, "15 CFR"),
    ("dual-use export control", "Aerospace & defence", 100, False, "2021/821"),
    ("NIS2 essential", "Strong", 100, False, "Art. 3(1)"),
    ("NIS2", "Strong", 100, False, "2022/2555"),
    ("EU AI Act high-risk", "Strong", 100, False, "Annex III"),
    ("AI Act Annex III", "Strong", 100, False, "Annex III"),
    ("CER", "Strong", 100, False, "2022/2557"), ("KRITIS", "Strong", 100, False, "KritisV"),
    ("eIDAS", "Strong", 100, False, "910/2014"),
    ("NIS2 important", "Medium", 50, False, "Art. 3(2)"),
    ("PCI DSS", "Medium", 50, False, "PCI"), ("SOX", "Medium", 50, False, "Sarbanes"),
    ("GDPR", "Light", 0, False, "2016/679"), ("GDPR only", "Light", 0, False, "2016/679"),
    ("AI Act limited risk", "Light", 0, False, "Art. 50"),
    ("AI Act minimal risk", "Light", 0, False, "2024/1689"),
]


def line(value: Any) -> Any:
    return recommend(300, "Scale-up", value).rationale[2]


def refusal(value: Any) -> str:
    with pytest.raises(DeciderInputError) as error:
        recommend(300, "Scale-up", value)
    return error.value.one_line


@pytest.mark.parametrize(("word", "level"),
                         [(w, level) for level, words in LEVEL_WORDS.items() for w in words])
def test_level_words(word: str, level: str) -> None:
    assert line(word).rule == level
    assert line(word.upper()).rule == level


@pytest.mark.parametrize(("text", "reading", "vote", "mandatory", "source"), REGIMES)
def test_regimes_read_as_their_sector_or_level_and_cite_their_law(
        text: str, reading: str, vote: int, mandatory: bool, source: str) -> None:
    result = recommend(300, "Scale-up", text)
    vote_line = result.rationale[2]
    assert vote_line.rule is not None and vote_line.rule.startswith(reading)
    assert vote_line.vote == vote
    assert (result.mandatory is not None) == mandatory
    assert source in (vote_line.source or "")


@pytest.mark.parametrize(("text", "what"), [("ISO 27001", "not a regulation"),
                                             ("ISO/IEC 27001", "not a regulation"),
                                             ("SOC 2", "not a regulation"),
                                             ("CSRD", "not a regulation"),
                                             ("AI Act", "risk tier"),
                                             ("EU AI Act", "risk tier")])
def test_standards_and_a_bare_ai_act_are_refused_saying_why(text: str, what: str) -> None:
    message = refusal(text)
    assert message.startswith(f"regulation '{text}'") and what in message


def test_a_standard_beside_a_regulation_leaves_the_regulation() -> None:
    assert line("ISO 27001, DORA").rule == "Finance (Critical) by DORA"


@pytest.mark.parametrize(("text", "reading"), [
    ("DORA, GDPR", "Finance (Critical) by DORA"),  # several named: the highest
    ("GDPR; NIS2 important", "Medium by NIS2 important"),
    ("PCI DSS and SOX", "Medium by PCI DSS"),  # equal levels: the earlier row
    ("Retail (incl. payments)", "Finance (Critical)"),  # the page's own example
    ("HIPAA and NIS2 essential", "Healthcare (Critical) by HIPAA"),
])
def test_several_named_take_the_highest(text: str, reading: str) -> None:
    assert line(text).rule == reading


@pytest.mark.parametrize(("text", "reading"), [
    ("Retail - no health data", "Retail (Light)"),  # the page's own example
    ("Retail, excl. payments", "Retail (Light)"),
    ("Retail excluding banking", "Retail (Light)"),
    ("Retail without payments", "Retail (Light)"),
    ("Non-bank retail", "Retail (Light)"),
    ("Health-free retail", "Retail (Light)"),
    ("Retail (no payments), banking", "Finance (Critical)"),  # a new clause: banking counts
])
def test_a_negated_phrase_is_no_candidate(text: str, reading: str) -> None:
    assert line(text).rule == reading


def test_a_level_word_inside_an_industry_is_no_level() -> None:
    assert line("High tech").rule == "Pure tech (Light)"
    assert line("Highly regulated").rule == "Strong"


def test_the_rationale_shows_what_the_cell_became() -> None:
    result = recommend(300, "Scale-up", "DORA, GDPR")
    assert "regulation 'DORA, GDPR' ➜ Finance (Critical) by DORA" in result.explanation
    assert "2022/2554" in result.explanation


def test_an_unknown_value_is_short_with_a_suggestion_and_the_full_list() -> None:
    message = refusal("HIPPAA")
    assert "did you mean" in message and "decider policy show" in message
    assert len(message) < 400


def test_every_form_reads_alike_in_score_frame_and_orch_arch() -> None:
    forms = [w for words in LEVEL_WORDS.values() for w in words] + [r[0] for r in REGIMES]
    forms += ["ISO 27001", "AI Act", "Retail - no health data", "DORA, GDPR"]
    assert_entry_points_agree([(300, "Scale-up", form, None, None) for form in forms])
