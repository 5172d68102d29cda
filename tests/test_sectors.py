"""Sectors (decision policy, section 6): the 36-sector table, reading an industry cell from
free text, the tie-breaks, the refusal with a suggestion, and every entry point agreeing on
each sector's level."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import DeciderInputError, recommend, score_frame
from decider.cli import cli
from decider.policy import default_policy
from decider.udfs import ORCH_ARCH, ORCH_INDEX

# The policy page's table, level by sector, in its order (decision-policy.md, section 6).
LEVELS = {
    "Finance": "Critical", "Healthcare": "Critical", "Public sector": "Critical",
    "Energy": "Strong", "Water & wastewater": "Strong", "Transportation": "Strong",
    "Telecommunications": "Strong", "Digital infrastructure": "Strong",
    "IT services": "Strong", "Space": "Strong", "Education": "Strong",
    "Staffing & recruitment": "Strong", "Security services": "Strong",
    "Aerospace & defence": "Strong", "Postal & courier": "Medium",
    "Waste management": "Medium", "Chemicals": "Medium", "Food & beverage": "Medium",
    "Industrial manufacturing": "Medium", "Electronics & semiconductors": "Medium",
    "Automotive": "Medium", "Online platforms": "Medium", "Research": "Medium",
    "Pure tech": "Light", "Retail": "Light", "E-commerce": "Light",
    "Consumer goods": "Light", "Media & entertainment": "Light",
    "Hospitality & leisure": "Light", "Real estate": "Light",
    "Professional services": "Light", "Legal services": "Light", "Construction": "Light",
    "Agriculture": "Light", "Mining & metals": "Light", "Logistics": "Light",
}
VOTES = {"Light": 0, "Medium": 50, "Strong": 100, "Critical": 100}
MANDATORY = {"Finance", "Healthcare", "Public sector"}

# Industries as portfolios write them, and the sector each must read as.
FREE_TEXT = [
    ("Retail Banking", "Finance"),  # two one-word forms: the higher level wins
    ("Healthcare IT", "Healthcare"),  # healthcare (Critical) beats it (Strong)
    ("Food Retail", "Retail"),  # an exact form of Retail, not food (F&B)
    ("MedTech", "Healthcare"),  # an exact form; never `tech` inside a word
    ("Telco", "Telecommunications"),
    ("Water Utility", "Water & wastewater"),  # exact: beats `utility` (Energy)
    ("Consulting", "Professional services"),
    ("Oil & Gas", "Energy"),
    ("O&G upstream", "Energy"),
    ("R&D centre", "Research"),
    ("Food & Beverage", "Food & beverage"),
    ("Insurance brokerage", "Finance"),
    ("University hospital", "Healthcare"),  # education (Strong) < healthcare (Critical)
    ("Energy trading and retail", "Energy"),  # energy (Strong) > retail (Light)
    ("Cloud services for banks", "Digital infrastructure"),  # `banks` is no form
    ("Online retail", "E-commerce"),
    ("Defence", "Public sector"),
    ("Defence contractor", "Aerospace & defence"),
    ("K-12 schools", "Education"),
    ("Public Sector", "Public sector"),
    ("Pure-Tech", "Pure tech"),
    ("SaaS", "Pure tech"),
    ("Hotels & resorts", "Hospitality & leisure"),
    ("Commercial real estate", "Real estate"),
    ("Last-mile delivery", "Postal & courier"),
    ("3PL", "Logistics"),
    ("Management consulting", "Professional services"),
    ("Specialty chemicals", "Chemicals"),
    ("Private security", "Security services"),
    ("Wealth management", "Finance"),
    ("Law firm", "Legal services"),
    ("Tech and logistics", "Pure tech"),  # both one word and Light: the earlier row
    ("Mining and metals", "Mining & metals"),
    ("Electric vehicles", "Automotive"),
    ("  retail   BANKING ", "Finance"),
]


def sector_of(value: Any, **options: Any) -> str:
    rule = recommend(300, "Scale-up", value, **options).rationale[2].rule
    assert rule is not None
    return rule.rsplit(" (", 1)[0]


def test_the_default_table_has_the_policy_pages_36_sectors_in_order() -> None:
    sectors = default_policy().data["regulation"]["sectors"]
    assert {name: s["level"] for name, s in sectors.items()} == LEVELS
    assert list(sectors) == list(LEVELS)
    levels = default_policy().data["regulation"]["levels"]
    assert {n for n, s in sectors.items() if levels[s["level"]].get("mandatory")} == MANDATORY


def test_the_default_table_is_the_policy_page_word_for_word() -> None:
    page = Path(__file__).resolve().parents[2] / "shared" / "decision-policy.md"
    if not page.is_file():
        pytest.skip(f"the policy page is not here ({page}): this check runs in the decider "
                    "workplace, where ../shared sits beside the checkout")
    text = page.read_text("utf-8").split("## 6.")[1].split("### Reading")[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| sector", "|---"))]
    sectors = default_policy().data["regulation"]["sectors"]
    assert len(rows) == 36
    for name, level, forms, source in rows:
        assert sectors[name]["level"] == level
        assert sectors[name]["forms"] == [f.strip() for f in forms.split(",")]
        # The article's four also cite the article's line after the EU law.
        assert sectors[name]["source"].startswith(source), name


@pytest.mark.parametrize("sector", list(LEVELS))
def test_every_sector_and_every_form_reads_as_itself(sector: str) -> None:
    forms = default_policy().data["regulation"]["sectors"][sector]["forms"]
    result = recommend(300, "Scale-up", sector)
    rule = result.rationale[2]
    assert rule.rule == f"{sector} ({LEVELS[sector]})"
    assert rule.vote == VOTES[LEVELS[sector]]
    assert (result.mandatory is not None) == (sector in MANDATORY)
    for form in forms:
        assert sector_of(form) == sector, form
        assert sector_of(form.upper()) == sector, form


@pytest.mark.parametrize(("text", "sector"), FREE_TEXT)
def test_free_text_industries(text: str, sector: str) -> None:
    assert sector_of(text) == sector


@pytest.mark.parametrize(("text", "level"), [("Light", "Light"), ("low", "Light"),
                                              ("HIGH", "Strong"), ("moderate", "Medium"),
                                              ("Critical", "Critical")])
def test_a_level_name_is_that_level(text: str, level: str) -> None:
    assert recommend(300, "Scale-up", text).rationale[2].rule == level


def test_a_level_word_inside_free_text_is_no_level() -> None:
    # "High tech" is no Strong regulation: only a whole cell names a level.
    assert sector_of("High tech") == "Pure tech"


def test_the_rationale_names_the_sector_its_level_and_its_source() -> None:
    result = recommend(300, "Scale-up", "Retail Banking")
    line = result.rationale[2]
    assert (line.value, line.read_as) == ("Retail Banking", "Finance (Critical)")
    assert line.source is not None and line.source.startswith("DORA Art. 2(1)")
    assert result.mandatory is not None
    assert result.mandatory.startswith("regulation Finance (Critical) ➜ Centralized, mandatory")
    frame = score_frame(pd.DataFrame({"size": [300], "maturity": ["POC"],
                                      "regulation": ["Retail Banking"], "budget": [None]}))
    rationale = frame["rationale"].iloc[0]
    # Section 11: the value as typed, what it became, the vote and its source, in one line.
    assert "regulation 'Retail Banking' ➜ Finance (Critical) ➜ 100 [DORA Art. 2(1)" in rationale


@pytest.mark.parametrize(("typo", "suggestion"), [
    ("Finanse", "did you mean Finance?"), ("Helthcare", "did you mean Healthcare?"),
    ("Retial", "did you mean Retail?"), ("bankng", "did you mean banking (Finance)?"),
])
def test_no_match_names_the_value_and_suggests_the_closest_form(typo: str,
                                                                suggestion: str) -> None:
    with pytest.raises(DeciderInputError) as error:
        recommend(300, "Scale-up", typo)
    message = error.value.one_line
    assert message.startswith(f"regulation '{typo}' is not recognised")
    assert suggestion in message
    # Section 9: the error stays short and says where the full list is.
    assert "a level (Light, Medium, Strong, Critical)" in message
    assert "Logistics" not in message and "decider policy show" in message


def test_no_match_and_nothing_close_suggests_nothing() -> None:
    with pytest.raises(DeciderInputError) as error:
        recommend(300, "Scale-up", "Frobnication")
    assert "did you mean" not in error.value.one_line


def test_matching_costs_once_per_distinct_value() -> None:
    policy = default_policy()
    frame = pd.DataFrame({"size": [300] * 3000, "maturity": ["POC"] * 3000,
                          "regulation": ["Retail Banking", "Telco", "Water Utility"] * 1000})
    before = {k for k in policy.memo if isinstance(k, tuple) and k[0] == "regulation"}
    score_frame(frame, policy=policy)
    after = {k for k in policy.memo if isinstance(k, tuple) and k[0] == "regulation"}
    assert {k[2] for k in after - before} <= {"Retail Banking", "Telco", "Water Utility"}


ALL_FORMS = [(form, name) for name, sector in
             default_policy().data["regulation"]["sectors"].items()
             for form in [name, *sector["forms"]]]


@given(st.text(max_size=40))
@settings(max_examples=400)
def test_any_industry_text_gives_a_sector_or_one_clear_error(text: str) -> None:
    try:
        result = recommend(300, "Scale-up", text)
    except DeciderInputError as error:
        message = error.one_line
        assert "\n" not in message
        assert message.startswith("regulation ")
    else:
        line = result.rationale[2]
        assert line.rule is not None or line.read_as == "unknown"


@given(st.sampled_from(ALL_FORMS), st.sampled_from([" ", "-", "  ", "_", " / "]),
       st.booleans())
@settings(max_examples=300)
def test_an_exact_form_always_reads_as_its_own_sector(form_and_sector: tuple[str, str],
                                                      joiner: str, upper: bool) -> None:
    form, sector = form_and_sector
    written = joiner.join(form.split(" "))
    written = written.upper() if upper else written
    assert sector_of(written) == sector


# --- every entry point agrees on every sector's level ------------------------------------

ROWS = [(sector, form) for sector in LEVELS
        for form in (sector, default_policy().data["regulation"]["sectors"][sector]["forms"][-1])]


def test_recommend_score_frame_udfs_and_decider_score_agree_on_every_sector(
        tmp_path: Path) -> None:
    # Size 300 and Scale-up vote 50: the level alone moves the answer (Light Hybrid at
    # index 33.3, Medium Hybrid 50, Strong Hybrid 66.7, Critical Centralized by mandate).
    expected = [recommend(300, "Scale-up", form) for _sector, form in ROWS]
    for (sector, _form), result in zip(ROWS, expected, strict=True):
        assert result.rationale[2].vote == VOTES[LEVELS[sector]]
    frame = pd.DataFrame({"size": 300, "maturity": "Scale-up",
                          "regulation": [form for _s, form in ROWS]})
    scored = score_frame(frame)
    assert scored["architecture"].tolist() == [r.architecture for r in expected]
    assert scored["index"].tolist() == [r.index for r in expected]
    column = [[form] for _s, form in ROWS]
    assert ORCH_ARCH([[300]] * len(ROWS), [["Scale-up"]] * len(ROWS), column, None) == [
        [r.architecture] for r in expected]
    assert [ORCH_INDEX(300, "Scale-up", form, None) for _s, form in ROWS] == [
        r.index for r in expected]

    path = tmp_path / "sectors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, ["Unit", "Employees", "Maturity", "Industry", "Budget"])
    for row, (sector, form) in enumerate(ROWS, start=1):
        sheet.write_row(row, 0, [f"{sector} unit", 300, "Scale-up", form])
    book.close()
    outcome = CliRunner().invoke(cli, ["score", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert outcome.exit_code == 0, outcome.output
    written = openpyxl.load_workbook(tmp_path / "out.xlsx")["Units"]
    header = [c.value for c in written[1]]
    answer, index = header.index("Recommendation") + 1, header.index("Centralization index") + 1
    for row, result in enumerate(expected, start=2):
        assert written.cell(row, answer).value == result.architecture
        assert written.cell(row, index).value == pytest.approx(result.index)


def test_sources_name_eu_law_or_say_there_is_none() -> None:
    for name, sector in default_policy().data["regulation"]["sectors"].items():
        source = sector["source"]
        assert re.search(r"NIS2|AI Act|DORA|GDPR|Article's own", source), name
