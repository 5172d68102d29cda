"""decider's answer cells name only the first one's place: each next one is in the column
after the cell before it (`r` is optional in the format, and Excel, LibreOffice, Power BI's
exports and the usual readers place cells so), an empty answer column in between holding
an empty cell. The repeated references were most of a scored file's growth (issue 15:
within 1.5x the input). These tests read the places back as Excel does, through openpyxl,
python-calamine and LibreOffice, and drive the sheet writer on rows built by hand."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from test_rescoring import HEADERS
from test_rescoring import portfolio as openpyxl_portfolio

from decider.batch import score_rows, score_workbook
from decider.cli import cli
from decider.workbook.package.sheet import Syntax, cells_of, split
from decider.workbook.package.writer import SheetEdit, rewrite

UNITS = (
    ("Payments", 4200, "Mature", "Finance", "€6M"),
    ("Retail EU", 380, "POC", "Light", "NFE"),  # a budget refused: an issue is written
    ("Logistics", 900, "Scale-up", "Medium", "€2.5M"),
    ("Marketing", 60, None, "Light", "€150k"),  # no maturity: answered, with an issue
    ("Research", 150, "Scale-up", "Strong", "€1M"),
)
SYNTAX = Syntax(b"")  # the default namespace, as openpyxl and decider write it
OWNED = ("Recommendation", "Centralization index", "Confidence", "Decider issues",
         "What would change it", "Rationale")


def portfolio(path: Path, headers: tuple[str, ...] = HEADERS,
              rows: tuple[tuple[object, ...], ...] = UNITS) -> Path:
    return openpyxl_portfolio(path, headers, rows)


def row_places(xml: bytes) -> dict[int, list[tuple[int, bytes]]]:
    """Each row's cells as (column, start tag), a cell without `r` taking the column
    after the cell before it, as Excel places it."""
    places = {}
    for row in re.finditer(rb'<row r="(\d+)"[^>]*>(.*?)</row>', xml, re.S):
        places[int(row.group(1))] = [
            (column, b"<c" + attributes + b">") for column, attributes, _body, _span
            in cells_of(SYNTAX, row.group(2))]
    return places


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml")


def text(value: object) -> str:
    """A text cell's value, or "" for none (None in a cell, NaN or None in a frame)."""
    return value if isinstance(value, str) else ""


def by_header(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def test_only_the_first_answer_cell_names_its_place(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    scored = score_workbook(source, tmp_path / "scored.xlsx").output
    sheet = openpyxl.load_workbook(scored)["Portfolio"]
    columns = by_header(sheet)
    first = columns["Recommendation"]
    assert [columns[name] for name in OWNED] == list(range(first, first + len(OWNED)))
    places = row_places(sheet_xml(scored))
    starts = []
    for number in range(2, len(UNITS) + 2):
        answers = [(c, tag) for c, tag in places[number] if c >= first]
        start = answers[0][0]  # a unit not answered has only its issues
        assert [c for c, _ in answers] == list(range(start, start + len(answers)))
        assert b' r="' in answers[0][1]
        assert all(b" r=" not in tag for _, tag in answers[1:])
        starts.append(start)
        # Empty cells only between answers: the last one written holds something; an
        # answered unit's empty "Decider issues" cell is one.
        assert sheet.cell(number, answers[-1][0]).value is not None
        if start == first:
            assert dict(answers)[columns["Decider issues"]] == b"<c>"
    assert set(starts) == {first, columns["Decider issues"]}  # both kinds of row

    expected = score_rows(source).set_index("row")
    for number in range(2, len(UNITS) + 2):
        unit = expected.loc[number]
        for name, key in (("Recommendation", "architecture"), ("Rationale", "rationale"),
                          ("Decider issues", "issues")):
            assert text(sheet.cell(number, columns[name]).value) == text(unit[key])
    # python-calamine, as pandas reads it: the same grid as openpyxl's.
    grid = CalamineWorkbook.from_path(str(scored)).get_sheet_by_name("Portfolio").to_python()
    for number, row in enumerate(grid, 1):
        for column, value in enumerate(row, 1):
            assert (sheet.cell(number, column).value or "") == (value if value != "" else ""), \
                (number, column)


def test_libreoffice_places_every_answer_where_openpyxl_does(
        tmp_path: Path, lo_convert: Callable[[Path, str], Path]) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    scored = score_workbook(source, tmp_path / "scored.xlsx").output
    saved = lo_convert(scored, "xlsx")  # LibreOffice writes every reference
    ours = openpyxl.load_workbook(scored)["Portfolio"]
    theirs = openpyxl.load_workbook(saved)["Portfolio"]
    assert ours.max_column == theirs.max_column
    for row in range(1, len(UNITS) + 2):
        for column in range(1, ours.max_column + 1):
            mine, libre = ours.cell(row, column).value, theirs.cell(row, column).value
            if isinstance(mine, float):
                assert abs(mine - libre) < 1e-9, (row, column)
            else:
                assert mine == libre, (row, column)


def test_answer_columns_apart_each_name_their_place(tmp_path: Path) -> None:
    """A sheet whose user put a Notes column between two of decider's: the cell after
    it names its place, and the notes stay where they are."""
    headers = (*HEADERS, "Recommendation", "Notes", *OWNED[1:])
    rows = tuple((*unit, None, "see board minutes" if i % 2 else None)
                 for i, unit in enumerate(UNITS))
    source = portfolio(tmp_path / "apart.xlsx", headers, rows)
    scored = score_workbook(source, tmp_path / "scored.xlsx").output
    sheet = openpyxl.load_workbook(scored)["Portfolio"]
    columns = by_header(sheet)
    assert columns["Notes"] == columns["Recommendation"] + 1
    expected = score_rows(source).set_index("row")
    places = row_places(sheet_xml(scored))
    answered = 0
    for i, number in enumerate(range(2, len(UNITS) + 2)):
        assert sheet.cell(number, columns["Notes"]).value == rows[i][-1]
        for name, key in (("Recommendation", "architecture"), ("Rationale", "rationale")):
            assert text(sheet.cell(number, columns[name]).value) == \
                text(expected.loc[number, key])
        if text(expected.loc[number, "architecture"]):  # answered: an index, after Notes
            index_tag = dict(places[number])[columns["Centralization index"]]
            assert b' r="' in index_tag
            answered += 1
    assert answered == len(UNITS) - 1


# The sheet writer on rows built by hand: decider's columns, the user's cells around them.

def _rewritten(row: bytes, payloads: dict[int, bytes], styles: dict[int, bytes]) -> bytes:
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="2">' + row + b"</row></sheetData></worksheet>")
    parts = split(iter([xml]), "hand.xlsx", "sheet1.xml")
    edit = SheetEdit(rows=[2], payloads={c: [p] for c, p in payloads.items()}, header_row=1,
                     header={}, header_style=None, dimension=None, styles=styles)
    out = b"".join(rewrite(parts, edit))
    return re.search(rb'<row r="2">(.*)</row>', out, re.S).group(1)


def _cells(row: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found = {}
    for column, attributes, body, _span in cells_of(SYNTAX, row):
        assert column not in found, f"two cells in column {column}: {row!r}"
        found[column] = (attributes, body)
    return found


TEXT = b' t="s"><v>7</v></c>'
NUMBER = b"><v>62.5</v></c>"


def test_a_user_cell_without_r_after_emptied_answers_keeps_its_column() -> None:
    """Answers in F and G scored before, then a cell of another tool's without `r` (H).
    Scored again with both answers empty: H must not slide into F."""
    row = (b'<c r="A2" t="inlineStr"><is><t>Unit</t></is></c><c r="F2" t="s"><v>1</v></c>'
           b'<c t="s"><v>2</v></c><c t="inlineStr"><is><t>keep</t></is></c>')
    cells = _cells(_rewritten(row, {6: b"", 7: b""}, {}))
    assert max(cells) == 8 and b"keep" in cells[8][1]
    assert cells[7][1] is None  # an empty cell where G's answer was, holding H's place
    assert 6 not in cells  # and nothing written in columns the user had left empty


def test_an_empty_answer_between_two_holds_its_column_s_style() -> None:
    row = b'<c r="A2" t="inlineStr"><is><t>Unit</t></is></c>'
    out = _rewritten(row, {6: TEXT, 7: b"", 8: NUMBER}, {6: b"4", 7: b"5", 8: b"6"})
    assert out.endswith(b'<c r="F2" s="4"' + TEXT + b'<c s="5"/><c s="6"' + NUMBER)


@given(
    columns=st.lists(st.integers(3, 12), min_size=1, max_size=6, unique=True).map(sorted),
    kinds=st.lists(st.sampled_from([b"", TEXT, NUMBER]), min_size=6, max_size=6),
    styled=st.lists(st.booleans(), min_size=6, max_size=6),
    scored_before=st.booleans(),
    after=st.sampled_from([None, b"r", b"implicit"]),
)
def test_every_answer_lands_in_its_column_and_a_second_run_changes_nothing(
        columns: list[int], kinds: list[bytes], styled: list[bool], scored_before: bool,
        after: bytes | None) -> None:
    """Any set of decider's columns (side by side or apart), any answers empty or not,
    with or without old answers and a user's cell right of them (with or without `r`):
    each answer is read back in its column, the user's cells in theirs, and writing the
    result again gives the same bytes."""
    payloads = {c: kinds[i] for i, c in enumerate(columns)}
    styles = {c: str(10 + c).encode() for i, c in enumerate(columns) if styled[i]}
    user = b'<c r="A2" t="inlineStr"><is><t>Unit</t></is></c>'
    row = user
    if scored_before:
        row = _rewritten(user, {c: TEXT for c in columns}, styles)
    last = max(columns) + 1
    if after == b"r":
        letters = openpyxl.utils.get_column_letter(last).encode()
        row += b'<c r="' + letters + b'2" t="b"><v>1</v></c>'
    elif after == b"implicit":
        # Another tool's cell without `r` right after decider's last column.
        if _cells(row) and max(_cells(row)) == last - 1:
            row += b'<c t="b"><v>1</v></c>'
        else:
            after = None
    once = _rewritten(row, payloads, styles)
    cells = _cells(once)
    assert b"Unit" in cells[1][1]
    for column, payload in payloads.items():
        if payload:
            attributes, body = cells[column]
            assert body == payload.split(b">", 1)[1].removesuffix(b"</c>")
            style = styles.get(column)
            assert (b' s="' + style + b'"' in attributes) if style else b" s=" not in attributes
        else:
            assert column not in cells or not cells[column][1]
    if after is not None:
        assert cells[last][1] == b"<v>1</v>"
    assert _rewritten(once, payloads, styles) == once


def test_cell_references_name_every_answer_s_place_from_the_cli_and_the_api(
        tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    compact = score_workbook(source, tmp_path / "compact.xlsx").output
    named = score_workbook(source, tmp_path / "named.xlsx", cell_references=True).output
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(tmp_path / "cli.xlsx"),
                                      "--cell-references", "--quiet"])
    assert result.exit_code == 0, result.output
    assert sheet_xml(tmp_path / "cli.xlsx") == sheet_xml(named)
    every = row_places(sheet_xml(named))
    assert all(b' r="' in tag for row in every.values() for _, tag in row)
    assert not any(tag == b"<c>" for row in every.values() for _, tag in row)
    assert any(b' r="' not in tag for row in row_places(sheet_xml(compact)).values()
               for _, tag in row)
    assert len(sheet_xml(named)) > len(sheet_xml(compact))
    ours, theirs = (openpyxl.load_workbook(p)["Portfolio"] for p in (compact, named))
    assert [[c.value for c in r] for r in ours.iter_rows()] == \
        [[c.value for c in r] for r in theirs.iter_rows()]
    # Scored again either way, each file is left as it is.
    again = score_workbook(named, tmp_path / "again.xlsx", cell_references=True).output
    assert sheet_xml(again) == sheet_xml(named)


def test_cell_references_with_answers_on_stdout_is_refused(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    result = CliRunner().invoke(cli, ["score", str(source), "--format", "json",
                                      "--cell-references"])
    assert result.exit_code == 2
    assert "--cell-references" in result.output and "--format json" in result.output
    assert "Traceback" not in result.output
