"""`decider score` on broken and malicious files: one clean line, never a traceback, a hang,
a crash of the process or a blown memory.

Every run is a separate process, as a user's is, with a wall-clock timeout and an address
space limited to 2 GiB (so a zip bomb or an entity expansion that decider inflated would
kill the run rather than the machine). A run that dies of a signal (python-calamine
aborting on a huge sparse sheet, the kernel's OOM killer) has a negative return code.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from test_lossless import (
    MAIN,
    assert_lossless,
    cell_text,
    first_worksheet,
    members,
    parse_sheet,
    q,
    sha256,
    shared_strings,
    sheet_part,
)

ADDRESS_SPACE = 2 << 30
TIMEOUT = 60
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out_dir: Path

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def hostile_run(source: Path, tmp_path: Path, *args: str) -> Run:
    """`decider score SOURCE -o OUT_DIR/scored.xlsx ARGS`, bounded in time and memory."""
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    digest = sha256(source)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "decider", "score", str(source), "-o",
             str(out_dir / f"scored{source.suffix if source.suffix == '.xlsm' else '.xlsx'}"),
             *args],
            capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory,
            check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"decider score hung on {source.name} (no answer in {TIMEOUT} s)")
    assert completed.returncode >= 0, (
        f"decider score was killed by signal {-completed.returncode} on {source.name}")
    assert "Traceback" not in completed.stderr, completed.stderr
    assert sha256(source) == digest, "decider changed its input file"
    return Run(completed.returncode, completed.stdout, completed.stderr, out_dir)


def assert_refused(run: Run, *words: str) -> str:
    """Exit 2, one line on stderr, no file written; the line holds each of `words`
    (any one of a tuple's alternatives separated by '|')."""
    assert run.code == 2, f"exit {run.code}, expected 2: {run.stderr}"
    assert len(run.lines) == 1, f"not one line: {run.stderr!r}"
    assert list(run.out_dir.iterdir()) == [], "a refused run left a file behind"
    line = run.lines[0].lower()
    for word in words:
        assert any(w in line for w in word.lower().split("|")), f"{word!r} not in: {line}"
    return line


# ---------------------------------------------------------------------------------------
# The corpus of hostile files

# What each hostile corpus file really is, and so what decider must answer.
REFUSE = {2}
READ_OR_REFUSE = {0, 2}
HOSTILE_EXPECTED = {
    "54764.xlsx": REFUSE,  # billion laughs in sharedStrings and core properties
    "54764-2.xlsx": REFUSE,  # and in [Content_Types].xml
    "SampleSS.strict.xlsx": READ_OR_REFUSE,  # ISO Strict: a valid, rarer dialect
    "SimpleStrict.xlsx": READ_OR_REFUSE,
    "crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx": REFUSE,  # an OLE2 file
}


def hostile_files() -> list[str]:
    folder = CORPUS / "hostile"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture(scope="module")
def hostile_corpus_runs(corpus: Path, tmp_path_factory: pytest.TempPathFactory
                        ) -> dict[str, Future[Run]]:
    """Every hostile corpus file scored once, two processes at a time (each still bounded
    in time and memory): the runs are independent, and the cores are there."""
    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    runs = {name: pool.submit(hostile_run, corpus / "hostile" / name,
                              tmp_path_factory.mktemp("hostile"), "--header-row", "1",
                              "--column", "size=A", "--column", "maturity=B",
                              "--column", "regulation=C", "--column", "budget=D")
            for name in hostile_files()}
    pool.shutdown(wait=False)
    return runs


@pytest.mark.corpus
@pytest.mark.parametrize("name", hostile_files() or ["(no corpus here)"])
def test_hostile_corpus_file_is_refused_cleanly_or_read(
        corpus: Path, name: str, hostile_corpus_runs: dict[str, Future[Run]]) -> None:
    source = corpus / "hostile" / name
    # The fuzzer cases are damaged zips (bad central directories, CRCs, headers): each
    # must be refused, unless what decider needs of it is intact and it scores it.
    expected = HOSTILE_EXPECTED.get(name, READ_OR_REFUSE if _zip_opens(source) else REFUSE)
    run = hostile_corpus_runs[name].result()
    assert run.code in expected, f"exit {run.code}, expected {expected}: {run.stderr}"
    if run.code == 2:
        line = assert_refused(run)
        assert name.lower() in line, f"the message does not name the file: {line}"
    else:
        written = sorted(run.out_dir.iterdir())
        assert len(written) == 1, written
        if name in HOSTILE_EXPECTED:  # a valid file, if a rare dialect: prove it whole
            sheet_name, _ = first_worksheet(source) or ("", "")
            assert_lossless(source, written[0], sheet_name)


def _zip_opens(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path):
            return True
    except zipfile.BadZipFile:
        return False


@pytest.mark.corpus
def test_billion_laughs_is_refused_as_entity_expansion(corpus: Path, tmp_path: Path) -> None:
    run = hostile_run(corpus / "hostile" / "54764.xlsx", tmp_path)
    assert_refused(run, "dtd|entit")


@pytest.mark.corpus
def test_legacy_ole2_file_from_the_corpus_is_named_for_what_it_is(corpus: Path,
                                                                  tmp_path: Path) -> None:
    run = hostile_run(corpus / "hostile" / "crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx",
                      tmp_path)
    assert_refused(run, "xls|encrypt|ole2", ".xlsx")


# ---------------------------------------------------------------------------------------
# Hostile files made here

HEADERS = ("Business unit", "Headcount", "AI maturity", "Sector", "AI budget")


def small_portfolio(path: Path, rows: tuple[tuple[object, ...], ...] = (
        ("Retail", "4,200", "Mature", "banking", "2,5 M€"),
        ("Lab", 38, "POC", "Pure tech", "€250k"))) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADERS)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(offset, column, value)  # "=..." stays text
            else:
                sheet.write(offset, column, value)
    workbook.close()


def replace_member(source: Path, target: Path, member: str,
                   write: Callable[[Any], None]) -> None:
    """Copy `source` to `target`, writing `member` anew (streamed, never held in memory)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename == member:
                fresh = zipfile.ZipInfo(member, info.date_time)
                fresh.compress_type = zipfile.ZIP_DEFLATED
                with new.open(fresh, "w", force_zip64=True) as stream:
                    write(stream)
            else:
                new.writestr(info, old.read(info), compress_type=zipfile.ZIP_DEFLATED)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("portfolio") / "portfolio.xlsx"
    small_portfolio(path)
    return path


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>Headcount</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>AI maturity</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def test_zip_bomb_is_refused_without_inflating_it(portfolio: Path, tmp_path: Path) -> None:
    """2 GiB of sheet XML (white space between rows) deflated to a few MB."""
    bomb = tmp_path / "bomb.xlsx"

    def two_gigabytes(stream: Any) -> None:
        stream.write(SHEET_HEAD)
        blank = b" " * (1 << 20)
        for _ in range(2048):
            stream.write(blank)
        stream.write(SHEET_TAIL)

    with zipfile.ZipFile(portfolio) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED,
                                                            compresslevel=1) as new:
        for info in old.infolist():
            if info.filename == SHEET:
                with new.open(SHEET, "w", force_zip64=True) as stream:
                    two_gigabytes(stream)
            else:
                new.writestr(info.filename, old.read(info))
    assert bomb.stat().st_size < 20 << 20
    run = hostile_run(bomb, tmp_path)
    assert_claims_no_more_than(assert_refused(run, "bomb.xlsx"), inflated=(2 << 30) + 400)


def assert_claims_no_more_than(line: str, inflated: int) -> None:
    """A refusal's reason must be true: "more than N GiB" only if it really is."""
    claimed = re.search(r"more than (\d+(?:\.\d+)?) ?gib", line)
    if claimed:
        assert float(claimed.group(1)) * 2**30 < inflated, (
            f"the file inflates to {inflated / 2**30:.2f} GiB, not what it says: {line}")


ENTITY_BOMB = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
               + b"".join(b'<!ENTITY lol%d "%s">\n' % (level, (b"&lol%s;" % (
                   b"" if level == 1 else str(level - 1).encode())) * 10)
                          for level in range(1, 10))
               + b"]>\n")


def test_entity_expansion_in_the_sheet_is_refused(portfolio: Path, tmp_path: Path) -> None:
    source = tmp_path / "laughs.xlsx"
    sheet = (ENTITY_BOMB + b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>Headcount</t></is></c>'
             b'<c r="B1" t="inlineStr"><is><t>AI maturity</t></is></c></row>'
             b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c>'
             b'<c r="B2" t="inlineStr"><is><t>POC</t></is></c></row>' + SHEET_TAIL)
    replace_member(portfolio, source, SHEET, lambda stream: stream.write(sheet))
    run = hostile_run(source, tmp_path)
    assert_refused(run, "laughs.xlsx", "dtd|entit")


def test_entity_expansion_in_shared_strings_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    workbook = xlsxwriter.Workbook(str(plain))  # XlsxWriter writes shared strings
    workbook.add_worksheet().write_row(0, 0, ("Headcount", "AI maturity"))
    workbook.worksheets()[0].write_row(1, 0, (40, "POC"))
    workbook.close()
    source = tmp_path / "strings.xlsx"
    strings = (ENTITY_BOMB + b'<sst xmlns="' + MAIN.encode() + b'" count="3" uniqueCount="3">'
               b"<si><t>Headcount</t></si><si><t>AI maturity</t></si><si><t>&lol9;</t></si>"
               b"</sst>")
    replace_member(plain, source, "xl/sharedStrings.xml", lambda stream: stream.write(strings))
    run = hostile_run(source, tmp_path)
    assert_refused(run, "strings.xlsx", "dtd|entit")


def test_external_entity_is_never_read(portfolio: Path, tmp_path: Path) -> None:
    source = tmp_path / "xxe.xlsx"
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
             b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>Headcount</t></is></c>'
             b'<c r="B1" t="inlineStr"><is><t>AI maturity</t></is></c></row>'
             b'<row r="2"><c r="A2" t="inlineStr"><is><t>40</t></is></c>'
             b'<c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>' + SHEET_TAIL)
    replace_member(portfolio, source, SHEET, lambda stream: stream.write(sheet))
    run = hostile_run(source, tmp_path)
    assert "root:" not in run.stdout + run.stderr, "/etc/passwd was read"
    assert_refused(run, "xxe.xlsx", "dtd|entit")


def test_sparse_sheet_with_corners_a1_and_xfd1048576_does_not_crash(tmp_path: Path) -> None:
    """python-calamine aborts the whole process allocating this sheet's dense range;
    decider must score it or refuse it, never die."""
    source = tmp_path / "sparse.xlsx"
    workbook = xlsxwriter.Workbook(str(source))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ("Retail", 4200, "Mature", "banking", "2,5 M€"))
    sheet.write(1_048_575, 16_383, "corner")
    workbook.close()
    assert b'<dimension ref="A1:XFD1048576"/>' in members(source)[SHEET]
    run = hostile_run(source, tmp_path)
    assert run.code in {0, 2}, run.stderr
    if run.code == 2:
        assert_refused(run, "sparse.xlsx")
    else:
        assert_lossless(source, run.out_dir / "scored.xlsx", "Portfolio")


def test_sparse_sheet_scores_with_its_far_corner_below_the_table(tmp_path: Path) -> None:
    """The same corner far below, in a column left of the results: nothing stops decider
    from scoring the table, in bounded memory."""
    source = tmp_path / "tall.xlsx"
    workbook = xlsxwriter.Workbook(str(source))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ("Retail", 4200, "Mature", "banking", "2,5 M€"))
    sheet.write(1_048_575, 0, "end of sheet")
    workbook.close()
    run = hostile_run(source, tmp_path)
    assert run.code == 0, run.stderr
    written = assert_lossless(source, run.out_dir / "scored.xlsx", "Portfolio")
    assert written.value(2, "Recommendation") == "Centralized"


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "notes.xlsx"
    source.write_text("Business unit;Headcount\nRetail;4200\n", "utf-8")
    assert_refused(hostile_run(source, tmp_path), "notes.xlsx")


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "noise.xlsx"
    source.write_bytes(bytes(range(256)) * 64)
    assert_refused(hostile_run(source, tmp_path), "noise.xlsx", ".xlsx")


def test_truncated_workbook_is_refused(portfolio: Path, tmp_path: Path) -> None:
    source = tmp_path / "truncated.xlsx"
    data = portfolio.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    assert_refused(hostile_run(source, tmp_path), "truncated.xlsx")


def ole2(directory_entry: str) -> bytes:
    """A minimal OLE2 compound file header, with a directory entry name in UTF-16."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    header += b"\x09\x00\x06\x00" + b"\x00" * (512 - len(header) - 4)
    entry = directory_entry.encode("utf-16-le")
    return header + entry + b"\x00" * (4096 - len(entry))


def test_encrypted_workbook_says_it_is_password_protected(tmp_path: Path) -> None:
    # Excel saves a password-protected .xlsx as an OLE2 file holding "EncryptedPackage".
    source = tmp_path / "secret.xlsx"
    source.write_bytes(ole2("EncryptedPackage"))
    assert_refused(hostile_run(source, tmp_path), "secret.xlsx", "password|encrypt")


def test_legacy_xls_is_refused_with_what_to_do(tmp_path: Path) -> None:
    source = tmp_path / "old.xls"
    source.write_bytes(ole2("Workbook"))
    assert_refused(hostile_run(source, tmp_path), "old.xls", ".xlsx")


def test_xlsb_is_refused_with_what_to_do(tmp_path: Path) -> None:
    source = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(source, "w") as package:
        package.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/xl/workbook.bin" '
                         'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.'
                         'main"/></Types>')
        package.writestr("xl/workbook.bin", b"\x83\x01\x00\x80\x01\x00")
    assert_refused(hostile_run(source, tmp_path), "binary.xlsb", ".xlsx")


@pytest.mark.libreoffice
def test_ods_is_refused_with_what_to_do(portfolio: Path, lo_convert: Callable[..., Path],
                                        tmp_path: Path) -> None:
    source = lo_convert(portfolio, "ods")
    assert source.suffix == ".ods"
    assert_refused(hostile_run(source, tmp_path), source.name.lower(), ".xlsx")


def test_missing_file_is_refused_in_one_line(tmp_path: Path) -> None:
    run = hostile_run_missing(tmp_path / "missing.xlsx", tmp_path)
    assert run.code == 2 and len(run.lines) == 1, run.stderr
    assert "missing.xlsx" in run.stderr


def hostile_run_missing(source: Path, tmp_path: Path) -> Run:
    completed = subprocess.run([sys.executable, "-m", "decider", "score", str(source)],
                               capture_output=True, text=True, timeout=TIMEOUT,
                               preexec_fn=_limit_memory, check=False)
    assert "Traceback" not in completed.stderr
    return Run(completed.returncode, completed.stdout, completed.stderr, tmp_path)


# ---------------------------------------------------------------------------------------
# What decider writes is text, never a formula

INJECTIONS = (
    ("Formula unit", "=1+1", "=HYPERLINK(\"http://example.com\",\"x\")", "+Medium", "-2M"),
    ("At unit", "@SUM(1)", "Mature", "@banking", "=cmd|' /C calc'!A0"),
    ("Plus unit", "+4200", "-POC", "=Sector", "+1M"),
)


def test_text_decider_writes_is_never_a_formula(tmp_path: Path) -> None:
    source = tmp_path / "injection.xlsx"
    small_portfolio(source, INJECTIONS)
    run = hostile_run(source, tmp_path)
    assert run.code == 0, run.stderr
    output = run.out_dir / "scored.xlsx"
    written = assert_lossless(source, output, "Portfolio")
    parts = members(output)
    strings = shared_strings(parts)
    sheet = parse_sheet(parts[sheet_part(parts, "Portfolio")])
    for row in range(1, len(INJECTIONS) + 2):
        for header, column in written.columns.items():
            cell = sheet.cells.get((row, column))
            if cell is None:
                continue
            assert cell.find(q("f")) is None, f"a formula in {header} row {row}"
            if header in {"Rationale", "Decider issues", "Recommendation"}:
                text = cell_text(cell, strings)
                if text:
                    assert cell.get("t") in {"inlineStr", "s"}, (
                        f"{header} row {row} is not a string cell: {cell.attrib}")
    quoted = [written.value(row, "Decider issues") or "" for row in (2, 3, 4)]
    assert any("=" in text or "@" in text for text in quoted), quoted
    assert first_worksheet(output) == ("Portfolio", SHEET)


def test_zip_bomb_in_a_sheet_decider_does_not_score_is_not_inflated(tmp_path: Path) -> None:
    """A second sheet of 2 GiB (white space): decider may refuse the package or copy that
    member as it is, but never inflate it into memory."""
    plain = tmp_path / "plain.xlsx"
    workbook = xlsxwriter.Workbook(str(plain))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ("Retail", 4200, "Mature", "banking", "2,5 M€"))
    workbook.add_worksheet("Archive").write(0, 0, "old")
    workbook.close()
    source = tmp_path / "archive_bomb.xlsx"
    archive = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=1) as new:
        for info in old.infolist():
            if info.filename != archive:
                new.writestr(info.filename, old.read(info))
                continue
            with new.open(archive, "w", force_zip64=True) as stream:
                stream.write(SHEET_HEAD)
                blank = b" " * (1 << 20)
                for _ in range(2048):
                    stream.write(blank)
                stream.write(SHEET_TAIL)
    run = hostile_run(source, tmp_path, "--sheet", "Portfolio")
    assert run.code in {0, 2}, run.stderr
    if run.code == 2:
        line = assert_refused(run, "archive_bomb.xlsx")
        assert_claims_no_more_than(line, inflated=(2 << 30) + 400)
        return
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(run.out_dir / "scored.xlsx") as after:
        kept, copied = before.getinfo(archive), after.getinfo(archive)
        assert (copied.CRC, copied.file_size) == (kept.CRC, kept.file_size)
        assert [i.filename for i in after.infolist()] == [i.filename for i in before.infolist()]


def test_one_broken_file_does_not_stop_the_others(portfolio: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    good = folder / "good.xlsx"
    good.write_bytes(portfolio.read_bytes())
    broken = folder / "broken.xlsx"
    broken.write_bytes(portfolio.read_bytes()[:500])
    out_dir = tmp_path / "scored"
    completed = subprocess.run(
        [sys.executable, "-m", "decider", "score", str(good), str(broken), "-o", str(out_dir)],
        capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory, check=False)
    assert completed.returncode in {0, 2}, completed.stderr
    assert "Traceback" not in completed.stderr
    problems = [line for line in completed.stderr.splitlines() if "broken.xlsx" in line]
    assert len(problems) == 1, completed.stderr
    outputs = sorted(p.name for p in out_dir.iterdir())
    assert len(outputs) == 1 and outputs[0].startswith("good"), outputs
    assert_lossless(good, out_dir / outputs[0], "Portfolio")


def test_a_sheet_broken_near_its_end_leaves_no_partial_file(tmp_path: Path) -> None:
    """The damage shows only after decider has streamed most of the sheet: the run is
    refused, and neither an output nor a temporary file is left; with --in-place the
    input is as it was."""
    plain = tmp_path / "long.xlsx"
    rows = tuple((f"Unit {n}", 100 + n, "Scale-up", "Medium", "€400k") for n in range(5000))
    small_portfolio(plain, rows)
    sheet = members(plain)[SHEET]
    cut = sheet[: int(len(sheet) * 0.9)]
    cut = cut[: cut.rindex(b"<row ")] + b'<row r="9999"><c r="A9999" t="inlineStr"><is><t>x'
    source = tmp_path / "cut.xlsx"
    replace_member(plain, source, SHEET, lambda stream: stream.write(cut))
    assert_refused(hostile_run(source, tmp_path), "cut.xlsx")

    in_place = tmp_path / "in_place"
    in_place.mkdir()
    target = in_place / "cut.xlsx"
    target.write_bytes(source.read_bytes())
    completed = subprocess.run(
        [sys.executable, "-m", "decider", "score", str(target), "--in-place"],
        capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory, check=False)
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert target.read_bytes() == source.read_bytes(), "--in-place damaged the input"
    leftovers = {p.name for p in in_place.iterdir()} - {"cut.xlsx", "cut.bak.xlsx"}
    assert not leftovers, leftovers


def test_a_dimension_claiming_the_whole_sheet_is_not_believed(portfolio: Path,
                                                              tmp_path: Path) -> None:
    """Some writers declare A1:XFD1048576 over a few cells: a reader that allocates the
    declared range (python-calamine does) dies; decider goes by the cells themselves."""
    sheet = members(portfolio)[SHEET]
    lying = sheet.replace(b'<dimension ref="A1:E3"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert lying != sheet
    source = tmp_path / "lying.xlsx"
    replace_member(portfolio, source, SHEET, lambda stream: stream.write(lying))
    run = hostile_run(source, tmp_path)
    assert run.code == 0, run.stderr
    written = assert_lossless(source, run.out_dir / "scored.xlsx", "Portfolio")
    assert written.columns["Recommendation"] == len(HEADERS) + 1
    assert written.value(2, "Recommendation") == "Centralized"
