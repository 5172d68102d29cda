""""Not known" words and Excel error values (decision policy, section 7): the words read as
blank everywhere; an error value gives its row an issue naming the input and the error."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from decider import DeciderInputError, recommend, score_frame
from decider.cli import cli
from decider.parsing import EXCEL_ERRORS, NOT_KNOWN, is_blank
from decider.policy import INPUTS
from decider.udfs import ORCH_ARCH

WORDS = ["n/a", "N/A", "na", "NA", "-", "–", "—", "?", "tbd", "TBD", "tbc", "unknown",
         "Unknown", "not known", "Not  Known", " n/a "]
UNIT = {"size": 300, "maturity": "Scale-up", "regulation": "Medium", "budget": "2.5M",
        "multi_country": "no"}


def test_the_policy_pages_words_are_all_there() -> None:
    assert {"n/a", "na", "-", "–", "—", "?", "tbd", "tbc", "unknown", "not known"} == NOT_KNOWN


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("name", INPUTS)
def test_a_not_known_word_is_blank_in_every_input(word: str, name: str) -> None:
    assert is_blank(word)
    given = recommend(**{**UNIT, name: word})
    blank = recommend(**{**UNIT, name: None})
    assert given == blank
    frame = pd.DataFrame([{**UNIT, name: word}, {**UNIT, name: None}])
    scored = score_frame(frame)
    assert scored["architecture"].tolist() == [blank.architecture] * 2
    assert scored["missing"].tolist() == [", ".join(blank.missing)] * 2


def test_words_that_only_contain_them_are_not_blank() -> None:
    for text in ("n/a yet", "na-na", "tbd soon", "??"):
        assert not is_blank(text)


def test_a_single_call_of_not_known_words_is_an_empty_cell() -> None:
    assert ORCH_ARCH("n/a", "tbd", "?", "-") == ""
    answers = ORCH_ARCH([[300], ["N/A"]], [["POC"], ["unknown"]], [["Light"], ["tbc"]],
                        [[None], ["—"]])
    assert answers == [[recommend(300, "POC", "Light").architecture], [""]]


@pytest.mark.parametrize("error", sorted(EXCEL_ERRORS))
@pytest.mark.parametrize("name", ["size", "regulation", "budget", "multi_country"])
def test_an_excel_error_names_the_input_and_the_error(error: str, name: str) -> None:
    shown = name.replace("_", "-")
    with pytest.raises(DeciderInputError) as raised:
        recommend(**{**UNIT, name: error})
    assert raised.value.one_line == f"{shown} holds the Excel error {error}: correct or " \
                                    "clear that cell"
    scored = score_frame(pd.DataFrame([{**UNIT, name: error}, UNIT]))
    assert scored["issues"].iloc[0] == raised.value.one_line
    assert scored["architecture"].iloc[0] is None and np.isnan(scored["index"].iloc[0])
    assert scored["architecture"].iloc[1] == recommend(**UNIT).architecture


def excel_like(path: Path) -> Path:
    """Error cells as Excel stores them (t="e", the formula that failed kept)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, ["Unit", "Employees", "AI maturity", "Industry", "AI budget"])
    rows: list[list[Any]] = [
        ["Ops", 300, "Scale-up", "Retail", "2.5M"],
        ["Lab", "N/A", "POC", "SaaS", "tbd"],
        ["Risk", 2000, "Mature", "Banking", None],
        ["Broken", 300, "Scale-up", "Retail", None],
        ["Empty", "n/a", "?", "-", "unknown"],
    ]
    for row, values in enumerate(rows, start=1):
        sheet.write_row(row, 0, values)
    sheet.write_formula("E5", "=Sheet9!B2", None, "#REF!")
    book.close()
    return path


def test_decider_score_reads_error_cells_and_not_known_words(tmp_path: Path) -> None:
    source = excel_like(tmp_path / "units.xlsx")
    with zipfile.ZipFile(source) as archive:
        assert b't="e"' in archive.read("xl/worksheets/sheet1.xml")
    result = CliRunner().invoke(cli, ["score", str(source), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["row"]: r for r in json.loads(result.stdout)}
    assert rows[2]["architecture"] == recommend(300, "Scale-up", "Retail", "2.5M").architecture
    assert rows[3]["architecture"] == recommend(None, "POC", "SaaS").architecture
    assert rows[4]["architecture"] == "Centralized"
    assert rows[5]["architecture"] is None
    assert rows[5]["issues"] == "budget holds the Excel error #REF!: correct or clear that cell"
    # Every input not known: a row of the table (it has a name), with too little to decide.
    assert rows[6]["issues"].startswith("not enough information to decide")
