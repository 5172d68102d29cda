"""Every entry point reads section 9's forms alike: `recommend`, the CLI, `score_frame`,
the Excel function ORCH_ARCH (a plain function here) and `decider score`; a policy file
adds its own words; the template's Policy sheet keeps working."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from decider import DeciderInputError, load_policy, recommend, score_frame
from decider.cli import cli
from decider.context import ColumnContext
from decider.udfs import ORCH_ARCH

# One row per example of section 9's text: (size, maturity, regulation, budget, countries).
ROWS: list[tuple[Any, ...]] = [
    ("~450", "Level 3", "Retail - no health data", "€500k/month", None),
    ("approx. 300", "3/5", "GDPR only", "2 Mio. €", "UK only"),
    ("300-400", "Low maturity", "NIS2 important", "500 TEUR", "Germany"),
    ("2k-3k", "BAU", "DORA", "1.200.000 €", "DE, FR, IT"),
    ("1.200", "Production", "High", "€1M/quarter", "Global"),
    ("450 (incl. contractors)", "Exploring", "Low", "3 bn", "only Germany"),
    ("12.500", "Industrialised", "None", "€400k per quarter", "Nordics (4)"),
    ("c. 1,200", "PoC stage", "HIPAA", "2 MEUR", "EMEA"),
    ("+/- 300", "Stage 2 of 4", "NIS2 essential", "800 kEUR", "single country"),
    ("450 FTE", "Phase 4", "PCI DSS", "€2M p.a.", "US & CA"),
    ("ca. 1200", "85%", "Retail (incl. payments)", "1 Mrd. €", "domestic"),
    ("around 300", "None", "SOX", "500 T€", "Benelux"),
    ("circa 300", "no AI yet", "AI Act high-risk", "2 mln", None),
    ("≈450", "Systemic", "ITAR", "€100k monthly", None),
    ("300 to 400", "Tier 2", "FedRAMP", None, None),
]
BAD: list[tuple[Any, ...]] = [
    (300, "Managed", "Medium", None, None),
    (300, "POC", "ISO 27001", None, None),
    (300, "POC", "AI Act", None, None),
    (300, "POC", "Medium", "1.250M", None),
]
COLUMNS = ["size", "maturity", "regulation", "budget", "multi_country"]


def test_recommend_score_frame_and_orch_arch_agree() -> None:
    expected = [recommend(*row) for row in ROWS]
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    scored = score_frame(frame)
    assert scored["architecture"].tolist() == [r.architecture for r in expected]
    assert scored["index"].tolist() == [r.index for r in expected]
    # Each reading's note (section 11) reaches score_frame's rationale as it reaches
    # recommend's explanation.
    assert scored["rationale"].tolist() == [r.explanation for r in expected]
    grid = [[[value] for value in column] for column in zip(*ROWS, strict=True)]
    assert ORCH_ARCH(*grid) == [[r.architecture] for r in expected]


def test_bad_values_are_refused_alike() -> None:
    frame = pd.DataFrame(BAD, columns=COLUMNS)
    issues = score_frame(frame)["issues"].tolist()
    for row, issue in zip(BAD, issues, strict=True):
        with pytest.raises(DeciderInputError) as error:
            recommend(*row)
        assert issue == error.value.one_line
        assert ORCH_ARCH(*row) == issue


def test_the_cli_reads_the_same() -> None:
    for row in ROWS[:6]:
        arguments = ["recommend", "--json"]
        for name, value in zip(["size", "maturity", "regulation", "budget", "multi-country"],
                               row, strict=True):
            if value is not None:
                arguments += [f"--{name}", value]
        outcome = CliRunner().invoke(cli, arguments)
        assert outcome.exit_code == 0, outcome.output
        assert json.loads(outcome.output) == recommend(*row).to_dict()


def test_the_cli_refuses_in_one_line() -> None:
    outcome = CliRunner().invoke(cli, ["recommend", "--size", "300", "--maturity", "Managed"])
    assert outcome.exit_code == 1
    assert "write Managed (4/5)" in outcome.output and "Traceback" not in outcome.output


def test_as_of_on_the_command_line() -> None:
    base = ["recommend", "--size", "300", "--maturity", "2024-03", "--regulation", "Medium"]
    on_the_day = CliRunner().invoke(cli, [*base, "--as-of", "2025-09-01"])
    assert on_the_day.exit_code == 0, on_the_day.output
    assert "18 months practising AI" in on_the_day.output
    bad = CliRunner().invoke(cli, [*base, "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_score_frame_takes_the_day_of_scoring_from_the_context() -> None:
    frame = pd.DataFrame({"size": [300, 300], "maturity": ["2024-03", "2024-03"],
                          "regulation": ["Medium", "Medium"]})
    early = score_frame(frame, contexts={"maturity": ColumnContext(as_of=date(2024, 6, 1))})
    late = score_frame(frame, contexts={"maturity": ColumnContext(as_of=date(2026, 6, 1))})
    assert early["index"].tolist() == [recommend(300, "2024-03", "Medium",
                                                 as_of=date(2024, 6, 1)).index] * 2
    assert late["index"].tolist() == [recommend(300, "2024-03", "Medium",
                                                as_of=date(2026, 6, 1)).index] * 2
    assert early["index"][0] < late["index"][0]


def test_decider_score_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, ["Unit", "Employees", "AI maturity", "Regulation", "AI budget",
                           "Countries"])
    for number, row in enumerate(ROWS, start=1):
        sheet.write_row(number, 0, [f"Unit {number}", *row])
    book.close()
    outcome = CliRunner().invoke(cli, ["score", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert outcome.exit_code == 0, outcome.output
    written = openpyxl.load_workbook(tmp_path / "out.xlsx")["Units"]
    header = [c.value for c in written[1]]
    answer = header.index("Recommendation") + 1
    for number, row in enumerate(ROWS, start=2):
        assert written.cell(number, answer).value == recommend(*row).architecture, row


def test_a_policy_file_adds_words(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text(
        '[maturity.words]\nSkalierung = "Scale-up"\n"im Betrieb" = "Mature"\n'
        '[regulation.words]\nstreng = "Strong"\n'
        '[regulation.regimes.BaFin]\nreads_as = "Finance"\nforms = ["bafin", "bait"]\n'
        'source = "BaFin supervision (KWG, BAIT)"\n'
        '[multi_country.aliases]\nDeutschland = "DE"\n', "utf-8")
    policy = load_policy(path)
    assert recommend(300, "Skalierung", "Medium", policy=policy).rationale[1].rule == "Scale-up"
    assert recommend(300, "im Betrieb", "Medium", policy=policy).rationale[1].rule == "Mature"
    assert recommend(300, "POC", "streng", policy=policy).rationale[2].rule == "Strong"
    bafin = recommend(300, "POC", "BAIT", policy=policy)
    assert bafin.mandatory is not None and "KWG" in (bafin.rationale[2].source or "")
    assert recommend(40, "POC", "Light", None, "Deutschland, FR",
                     policy=policy).rationale[0].vote == 100
    # The default's words are all still there.
    assert recommend(300, "BAU", "DORA", policy=policy).rationale[1].rule == "Mature"
    with pytest.raises(DeciderInputError):
        recommend(300, "Skalierung", "Medium")  # only in that policy


@pytest.mark.parametrize(("text", "key"), [
    ('[maturity.words]\nfoo = "Gigantic"\n', "maturity.words.foo"),
    ('[maturity.words]\npilot = "Mature"\n', "maturity.words.pilot"),
    ('[regulation.regimes.X]\nreads_as = "Nowhere"\nsource = "x"\n',
     "regulation.regimes.X.reads_as"),
    ('[regulation.regimes.X]\nreads_as = "Finance"\n', "regulation.regimes.X.source"),
    ('[reading]\nnegate = ["no"]\n', "reading.negate"),
    ('[multi_country.aliases]\nFoo = "Germany"\n', "multi_country.aliases.Foo"),
])
def test_a_bad_word_table_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(DeciderInputError) as error:
        load_policy(path)
    assert f"key '{key}'" in error.value.one_line


def test_policy_show_prints_the_words() -> None:
    outcome = CliRunner().invoke(cli, ["policy", "show", "--words"])
    assert outcome.exit_code == 0
    for word in ("Skalierung", "Systemic", "DORA: reads as: Finance", "2022/2554",
                 "ISO 27001", "emea", "mrd.", "/month"):
        assert (word in outcome.output) == (word != "Skalierung"), word
    as_json = json.loads(CliRunner().invoke(cli, ["policy", "show", "--words", "--json"]).output)
    assert as_json["regulation regimes"]["HIPAA"]["reads as"] == "Healthcare"
    full = CliRunner().invoke(cli, ["policy", "show"]).output
    assert "maturity models" in full and "Finance (Critical) by DORA" in full
