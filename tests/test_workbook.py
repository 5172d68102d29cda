"""The xlsx layer of `decider score`: package checks, the byte-level reader, the sheet
rewriter and the raw zip copy, on files written by real writers (XlsxWriter, openpyxl,
zipfile for hand-made packages)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import open_package
from decider.workbook.package.shared import SharedStrings, entries
from decider.workbook.package.sheet import split
from decider.workbook.package.strings import SharedTable, read_shared_strings
from decider.workbook.package.zipcopy import copy_edited
from decider.workbook.portfolio.reader import first_rows, scan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
    'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN + '" xmlns:r="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
    'sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
    'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')


def hand_made(path: Path, sheet_xml: str, strings_xml: str | None = None,
              extra: dict[str, bytes] | None = None) -> Path:
    """A minimal package whose sheet XML is exactly `sheet_xml`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if strings_xml is not None:
            archive.writestr("xl/sharedStrings.xml", strings_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_package(path).close()
    message = caught.value.one_line
    assert "\n" not in message
    return message


def test_a_text_file_is_refused_as_text(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    path.write_text("Business unit;Size\nRetail;4200\n", "utf-8")
    assert "text file" in refusal(path)


def test_an_encrypted_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
    message = refusal(path)
    assert "password" in message and "locked.xlsx" in message


def test_a_legacy_xls_is_refused_with_save_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    message = refusal(path)
    assert ".xls" in message and "save it as .xlsx" in message


def test_ods_and_xlsb_are_named(tmp_path: Path) -> None:
    ods = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert ".ods" in refusal(ods)
    xlsb = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.bin", b"\0\1")
    assert ".xlsb" in refusal(xlsb)


def test_a_truncated_workbook_is_damaged(tmp_path: Path) -> None:
    whole = tmp_path / "whole.xlsx"
    book = xlsxwriter.Workbook(str(whole))
    book.add_worksheet().write_row(0, 0, ["Size", "Maturity"])
    book.close()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:-200])
    assert "damaged" in refusal(cut)


def test_a_zip_without_a_workbook_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nothing.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    assert "xl/workbook.xml" in refusal(path)


def test_a_zip_bomb_member_is_refused_before_inflating(tmp_path: Path) -> None:
    path = hand_made(tmp_path / "bomb.xlsx", f'<worksheet xmlns="{MAIN}"><sheetData/>'
                     "</worksheet>", extra={"xl/media/padding.bin": b"\0" * (40 << 20)})
    assert "zip bomb" in refusal(path)


def test_a_dtd_in_the_sheet_is_refused_and_never_expanded(tmp_path: Path) -> None:
    sheet = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
             '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
             f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
             "<is><t>&b;</t></is></c></row></sheetData></worksheet>")
    path = hand_made(tmp_path / "laughs.xlsx", sheet)
    with open_package(path) as package, pytest.raises(WorkbookError, match="DTD"):
        first_rows(package, "xl/worksheets/sheet1.xml", [], 20)


def test_reader_handles_prefixes_missing_refs_rich_strings_and_entities(tmp_path: Path) -> None:
    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
             '<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>'
             "R&amp;D</x:t></x:is></x:c><x:c t=\"b\"><x:v>1</x:v></x:c></x:row>"
             '<x:row><x:c r="B2" s="3"><x:v>4200</x:v></x:c>'
             '<x:c r="C2" t="str"><x:f>A1</x:f><x:v>Finance</x:v></x:c></x:row>'
             "</x:sheetData></x:worksheet>")
    strings = (f'<sst xmlns="{MAIN}"><si><r><t>Head</t></r><r><t>count</t></r>'
               "<rPh><t>HIDDEN</t></rPh></si></sst>")
    path = hand_made(tmp_path / "prefixed.xlsx", sheet, strings)
    with open_package(path) as package:
        shared = read_shared_strings(package)
        assert shared == ["Headcount"]
        rows = first_rows(package, "xl/worksheets/sheet1.xml", shared, 20)
        assert rows == {1: {1: "Headcount", 2: "R&D", 3: True}, 2: {2: 4200.0, 3: "Finance"}}
        found = scan(package, "xl/worksheets/sheet1.xml", shared, 1, {2}, {3})
    assert found.cells[2] == {2: 4200.0}
    assert found.formulas == [(2, 3)]
    assert found.last_column == 3


def test_reader_fast_path_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Unit", "Size", "Note"])
    values = [4200, "4,200", "=not a formula", True, 2.5, "Ünïcödé <&>", None, "  "]
    for number, value in enumerate(values):
        sheet.append([f"U{number}", value])
        if isinstance(value, str) and value.startswith("="):
            sheet.cell(sheet.max_row, 2).data_type = "s"
    sheet["C4"] = "=B2*2"
    book.save(path)
    with open_package(path) as package:
        shared = read_shared_strings(package)
        found = scan(package, package.sheets[0].part, shared, 1, {2}, {3})
    read = found.cells[2]
    assert read == {2: 4200.0, 3: "4,200", 4: "=not a formula", 5: True, 6: 2.5,
                    7: "Ünïcödé <&>", 9: "  "}
    assert found.formulas == [(4, 3)]
    assert found.last_column == 3


def test_a_text_cell_is_always_a_string_cell() -> None:
    shared = SharedStrings(SharedTable())
    payload = shared.payload("=HYPERLINK(\"http://x\")&<b>\x01")
    stored = entries(shared.new)
    assert payload.startswith(b' t="s"><v>')
    assert b"<f>" not in payload + stored and b"&lt;b&gt;" in stored and b"\x01" not in stored


def test_copy_edited_keeps_every_other_member_raw_and_in_order(tmp_path: Path) -> None:
    source = tmp_path / "mixed.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("a.xml", b"<a/>" * 1000, zipfile.ZIP_DEFLATED)
        archive.writestr("b.bin", b"\x00\x01" * 100, zipfile.ZIP_STORED)
        archive.writestr("sheet.xml", b"<old/>", zipfile.ZIP_DEFLATED)
        archive.writestr("z.xml", "é".encode() * 10, zipfile.ZIP_DEFLATED)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, source.open("rb") as raw:
        copy_edited(archive, raw, out, {"sheet.xml": iter([b"<new>", b"</new>"])})
        originals = {i.filename: i for i in archive.infolist()}
    out.seek(0)
    with zipfile.ZipFile(out) as copied:
        assert copied.testzip() is None
        assert copied.namelist() == ["a.xml", "b.bin", "sheet.xml", "z.xml"]
        assert copied.read("sheet.xml") == b"<new></new>"
        for info in copied.infolist():
            if info.filename != "sheet.xml":
                original = originals[info.filename]
                assert (info.compress_type, info.compress_size, info.CRC, info.date_time) == (
                    original.compress_type, original.compress_size, original.CRC,
                    original.date_time)
                with zipfile.ZipFile(source) as archive:
                    assert copied.read(info.filename) == archive.read(info.filename)


def test_split_cuts_only_between_rows(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3001))
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData><mergeCells/></worksheet>'
    data = xml.encode()
    chunks = iter([data[i:i + 997] for i in range(0, len(data), 997)])
    parts = split(chunks, "f.xlsx", "sheet")
    pieces = [block for _kind, block in parts.items]
    assert parts.head + b"".join(pieces) == data
    for block in pieces[:-1]:
        assert block.startswith(b"<row") and block.endswith(b"</row>")


def test_a_row_without_end_is_refused_not_buffered_forever(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    import decider.workbook.package.sheet as sheet_module

    monkeypatch.setattr(sheet_module, "MAX_ROW_BYTES", 1 << 20)
    monkeypatch.setattr(sheet_module, "BLOCK_BYTES", 1 << 16)
    cells = "".join(f'<c r="A1"><v>{(n * 7919) % 104729}</v></c>' for n in range(150_000))
    path = hand_made(tmp_path / "endless.xlsx", f'<worksheet xmlns="{MAIN}"><sheetData>'
                     f'<row r="1">{cells}</row></sheetData></worksheet>')
    with open_package(path) as package, pytest.raises(WorkbookError, match="row of more"):
        scan(package, "xl/worksheets/sheet1.xml", [], 1, {1}, set())


def test_scoring_a_prefixed_sheet_with_unordered_rows_and_implied_refs(tmp_path: Path) -> None:
    """XML that no mainstream writer emits but the format allows: a namespace prefix, rows
    out of order, cells without `r`. Every unit is still answered in its own row."""
    def row(number: int, values: tuple[str, ...]) -> str:
        cells = "".join(f'<x:c t="inlineStr"><x:is><x:t>{v}</x:t></x:is></x:c>' for v in values)
        return f'<x:row r="{number}">{cells}</x:row>'

    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:dimension ref="A1:D3"/><x:sheetData>'
             + row(1, ("Size", "Maturity", "Regulation", "Budget"))
             + row(3, ("40", "POC", "Light", "300k"))
             + row(2, ("4200", "Mature", "Finance", "6M"))
             + "</x:sheetData></x:worksheet>")
    source = hand_made(tmp_path / "odd.xlsx", sheet)
    from decider import score_workbook

    output = score_workbook(source).output
    assert output is not None
    book = openpyxl.load_workbook(output)
    values = {r[0].row: [c.value for c in r] for r in book.active.iter_rows()}
    assert values[1][4:6] == ["Recommendation", "Centralization index"]
    assert values[2][4] == "Centralized" and values[3][4] == "Decentralized"
    with zipfile.ZipFile(output) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b'<x:dimension ref="A1:J3"/>' in xml and b"<x:c r=\"E2\"" in xml
