"""`decider score` on the real workbooks of ../shared/corpus: lossless, or a clean refusal.

The corpus files hold no business-unit table, so each run names its columns by letter on
each worksheet in turn (`--sheet NAME --header-row 1 --column size=A ...`): decider then
scores whatever is there (mostly rows with issues) and appends its five columns. Either
the run writes a file that is the input plus decider's cells and nothing else, or it
refuses in one line (exit 2), writes nothing and leaves no temporary file behind.

The runs go through the real CLI in-process (click's runner) so that 213 files take
seconds, not minutes of interpreter start-ups.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_lossless import assert_lossless, members, sha256, worksheet_parts

from decider.cli import cli

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
COLUMNS = ("--column", "size=A", "--column", "maturity=B", "--column", "regulation=C",
           "--column", "budget=D")


def corpus_workbooks() -> list[str]:
    """Paths relative to the corpus, listed at collection time (empty outside the
    workplace, where the `corpus` fixture skips anyway)."""
    return sorted(str(path.relative_to(CORPUS))
                  for folder in ("excel", "other") if (CORPUS / folder).is_dir()
                  for path in (CORPUS / folder).iterdir()
                  if path.suffix.lower() in {".xlsx", ".xlsm"})


def score(source: Path, output: Path, *args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(output), *args])
    unexpected = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, result.stderr, unexpected


def assert_clean_refusal(code: int, stderr: str, unexpected: BaseException | None,
                         folder: Path) -> None:
    assert unexpected is None, f"decider crashed: {unexpected!r}"
    assert code == 2, f"exit {code}: {stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"not one line: {stderr!r}"
    assert "Traceback" not in stderr
    assert list(folder.iterdir()) == [], "a refused run left a file behind"


@pytest.mark.corpus
@pytest.mark.parametrize("name", corpus_workbooks() or ["(no corpus here)"])
def test_corpus_workbook_is_scored_losslessly_or_refused_cleanly(
        corpus: Path, name: str, tmp_path: Path) -> None:
    """Every worksheet of the file in turn (the first one first): scored losslessly,
    or refused in one line with nothing written."""
    source = corpus / name
    digest = sha256(source)
    sheets = [(sheet, kind) for sheet, _, kind in worksheet_parts(members(source))]
    worksheets = [sheet for sheet, kind in sheets if kind == "worksheet"]
    if not worksheets:
        out_dir = tmp_path / "no-worksheet"
        out_dir.mkdir()
        code, stderr, unexpected = score(source, out_dir / f"scored{source.suffix}",
                                         "--header-row", "1", *COLUMNS)
        assert_clean_refusal(code, stderr, unexpected, out_dir)
    for number, sheet_name in enumerate(worksheets):
        out_dir = tmp_path / f"sheet{number}"
        out_dir.mkdir()
        output = out_dir / f"scored{source.suffix}"
        code, stderr, unexpected = score(source, output, "--sheet", sheet_name,
                                         "--header-row", "1", *COLUMNS)
        assert sha256(source) == digest, "decider changed its input file"
        if code == 0 and unexpected is None:
            assert_lossless(source, output, sheet_name)
            assert sorted(out_dir.iterdir()) == [output], "a temporary file was left behind"
            if number == 0:  # running twice gives the same file
                # (named as its input: the summary sheet shows the name of the file scored)
                renamed = out_dir / "1" / source.name
                renamed.parent.mkdir()
                output = output.rename(renamed)
                again = out_dir / "2" / source.name
                again.parent.mkdir()
                code, stderr, unexpected = score(output, again, "--sheet", sheet_name,
                                                 "--header-row", "1", *COLUMNS)
                assert (code, unexpected) == (0, None), stderr
                assert members(again) == members(output), "a second run changed the file"
        else:
            assert_clean_refusal(code, stderr, unexpected, out_dir)


@pytest.mark.corpus
def test_a_chartsheet_is_refused_for_what_it_is(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "other" / "WithChartSheet.xlsx"
    with zipfile.ZipFile(source) as package:
        chartsheets = [n for n in package.namelist() if n.startswith("xl/chartsheets/sheet")
                       and n.endswith(".xml")]
    assert chartsheets, "the corpus file no longer has a chartsheet"
    names = _sheet_names_of_kind(source, "chartsheet")
    code, stderr, unexpected = score(source, tmp_path / "out.xlsx", "--sheet", names[0],
                                     "--header-row", "1", *COLUMNS)
    assert_clean_refusal(code, stderr, unexpected, tmp_path)
    # Said for what it is: a sheet of a chart, not merely "no worksheet 'Chart2'".
    said = stderr.replace(source.name, "").lower()  # the file's own name says chartsheet
    assert re.search(r"chart ?sheet|sheet of a chart|a chart", said), stderr


def _sheet_names_of_kind(source: Path, kind: str) -> list[str]:
    return [name for name, _, found in worksheet_parts(members(source)) if found == kind]
