"""The text-level edits behind the scored workbook's look, on the shapes real writers
produce: prefixed namespaces, empty elements, ranges to split, nested extLst, streamed
parts cut anywhere."""

from __future__ import annotations

from lxml import etree

from decider.workbook.package.shared import SharedStrings, appended, stored_text
from decider.workbook.package.sheetformat import column_styles, with_highlights, with_widths
from decider.workbook.package.strings import SharedTable
from decider.workbook.package.styles import MINIMAL_STYLES, CellLook, Highlight, extend_styles
from decider.workbook.package.tables import grow_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LOOKS = {"index": CellLook("0.0"), "confidence": CellLook("0%"),
         "text": CellLook(no_wrap=True)}
HIGHLIGHTS = {"Hybrid": Highlight("FFD966", "000000")}

PREFIXED_STYLES = (
    f'<x:styleSheet xmlns:x="{MAIN}"><x:numFmts count="1"><x:numFmt numFmtId="164" '
    'formatCode="0.000"/></x:numFmts><x:fonts count="1"><x:font/></x:fonts><x:fills '
    'count="1"><x:fill/></x:fills><x:borders count="1"><x:border/></x:borders>'
    '<x:cellXfs count="2"><x:xf numFmtId="0" fontId="0"/><x:xf numFmtId="0" fontId="0" '
    'applyAlignment="1"><x:alignment wrapText="1" vertical="top"/></x:xf></x:cellXfs>'
    "<x:extLst/></x:styleSheet>").encode()


def test_styles_are_appended_in_the_file_s_prefix_and_reused_on_a_second_run() -> None:
    once = extend_styles(PREFIXED_STYLES, {"index": 0, "confidence": 0, "text": 1}, LOOKS,
                         HIGHLIGHTS)
    root = etree.fromstring(once.content)
    assert all(etree.QName(e).namespace == MAIN for e in root.iter())
    formats = root.find(f"{{{MAIN}}}numFmts")
    assert formats.get("count") == "2" and formats[1].get("numFmtId") == "165"
    assert formats[1].get("formatCode") == "0.0"
    xfs = root.find(f"{{{MAIN}}}cellXfs")
    assert xfs.get("count") == str(len(xfs)) == "5"
    assert once.cells == {"index": 2, "confidence": 3, "text": 4}
    assert xfs[2].get("numFmtId") == "165" and xfs[3].get("numFmtId") == "9"
    assert xfs[4].find(f"{{{MAIN}}}alignment").get("wrapText") is None  # no wrap
    assert xfs[4].find(f"{{{MAIN}}}alignment").get("vertical") == "top"  # the rest kept
    dxfs = root.find(f"{{{MAIN}}}dxfs")  # created before extLst
    assert dxfs.getnext().tag == f"{{{MAIN}}}extLst" and len(dxfs) == 1
    assert b'<x:numFmts count="2"><x:numFmt numFmtId="164" formatCode="0.000"/>' in once.content
    twice = extend_styles(once.content, {"index": 0, "confidence": 0, "text": 1}, LOOKS,
                          HIGHLIGHTS)
    assert twice.content == once.content and twice.cells == once.cells
    assert twice.dxfs == once.dxfs == {"Hybrid": 0}


def test_the_minimal_stylesheet_is_valid_and_keeps_general_first() -> None:
    made = extend_styles(None, {}, LOOKS, HIGHLIGHTS)
    root = etree.fromstring(made.content)
    order = [etree.QName(e).localname for e in root]
    assert order == ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                     "cellStyles", "dxfs", "tableStyles"]
    assert root.find(f"{{{MAIN}}}cellXfs")[0].get("numFmtId") == "0"
    assert made.cells["text"] == 0  # nothing to change: no style needed
    assert etree.fromstring(MINIMAL_STYLES) is not None


HEAD = (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:C3"/><cols><col min="1" max="1" '
        'width="30" customWidth="1"/><col min="3" max="16384" width="9" style="4" '
        'hidden="1"/></cols><sheetData>').encode()


def test_a_col_range_is_split_around_decider_s_columns() -> None:
    out = with_widths(HEAD, b"", {5: 16, 6: 20})
    root = etree.fromstring(out + b"</sheetData></worksheet>")
    cols = [dict(c.attrib) for c in root.iter(f"{{{MAIN}}}col")]
    assert [(c["min"], c["max"]) for c in cols] == [("1", "1"), ("3", "4"), ("5", "5"),
                                                   ("6", "6"), ("7", "16384")]
    assert cols[0] == {"min": "1", "max": "1", "width": "30", "customWidth": "1"}
    assert cols[1]["hidden"] == "1" and cols[4]["hidden"] == "1"  # others keep their look
    assert cols[2] == {"min": "5", "max": "5", "width": "16", "style": "4",
                       "customWidth": "1"}  # shown, the column's style kept
    assert column_styles(HEAD, b"", {2, 5}) == {5: 4}
    bare = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    assert with_widths(bare, b"", {2: 12}).endswith(
        b'<cols><col min="2" max="2" width="12" customWidth="1"/></cols><sheetData>')


TAIL = (b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
        b'<conditionalFormatting sqref="B2:B9"><cfRule type="dataBar" priority="1"><dataBar>'
        b'<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst><ext '
        b'uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}"><x14:id xmlns:x14="x">{1}</x14:id>'
        b'</ext></extLst></cfRule></conditionalFormatting><mc:AlternateContent xmlns:mc="mc">'
        b'<mc:Choice Requires="x14"><controls/></mc:Choice></mc:AlternateContent>'
        b'<tableParts count="0"/></worksheet>')


def test_highlights_go_after_merges_and_formats_before_wrapped_controls() -> None:
    out = with_highlights(TAIL, b"", 3, 2, 9, {"Hybrid": 5})
    at = out.index(b"<conditionalFormatting sqref=\"C2:C9\">")
    assert out[:at] == TAIL[:at]  # after the existing format, nested extLst untouched
    assert out[at:].split(b"</conditionalFormatting>", 1)[1].startswith(
        b"<mc:AlternateContent")
    assert b'priority="2"' in out[at:] and b'dxfId="5"' in out[at:]
    assert with_highlights(out, b"", 3, 2, 9, {"Hybrid": 5}) == out  # once
    grown = with_highlights(out, b"", 3, 2, 20, {"Hybrid": 5})
    assert grown == out.replace(b'sqref="C2:C9"', b'sqref="C2:C20"')


def _streamed(xml: bytes, size: int) -> list[bytes]:
    return [xml[i:i + size] for i in range(0, len(xml), size)]


def test_shared_strings_are_appended_while_streaming_any_chunking() -> None:
    table = SharedTable(["a", "Hybrid", "rich"], {2})
    xml = (f'<x:sst xmlns:x="{MAIN}" count="9" uniqueCount="3"><x:si><x:t>a</x:t></x:si>'
           '<x:si><x:t>Hybrid</x:t></x:si><x:si><x:r><x:t>rich</x:t></x:r></x:si>'
           '</x:sst>').encode()
    plan = SharedStrings(table)
    assert plan.index("Hybrid") == 1  # reused
    assert plan.index("rich") == 3  # a rich entry is not reused
    assert plan.index(" _x0041_ ") == 4
    assert stored_text(" _x0041_ ") == " _x005F_x0041_ "
    outputs = {b"".join(appended(iter(_streamed(xml, size)), plan, lambda old: old + 2, "b"))
               for size in (1, 7, 64, 1 << 20)}
    assert len(outputs) == 1
    out = outputs.pop()
    root = etree.fromstring(out)
    assert root.get("count") == "11" and root.get("uniqueCount") == "5" == str(len(root))
    assert out.endswith(b'<x:si><x:t>rich</x:t></x:si><x:si><x:t xml:space="preserve"> '
                        b"_x005F_x0041_ </x:t></x:si></x:sst>")
    empty = f'<sst xmlns="{MAIN}"/>'.encode()  # no count: stays without one
    made = b"".join(appended(iter([empty]), plan, lambda old: 99, "b"))
    assert b"count" not in made and len(etree.fromstring(made)) == 2


def test_a_table_grows_by_columns_with_new_ids() -> None:
    xml = (f'<table xmlns="{MAIN}" id="1" name="T" displayName="T" ref="B2:C9" '
           'totalsRowCount="1"><autoFilter ref="B2:C8"/><tableColumns count="2">'
           '<tableColumn id="1" name="a"/><tableColumn id="7" name="b" totalsRowFunction='
           '"sum"/></tableColumns><tableStyleInfo name="TableStyleMedium2"/></table>').encode()
    out = grow_table(xml, ["Recommendation", "R&D"])
    root = etree.fromstring(out)
    assert root.get("ref") == "B2:E9" and root[0].get("ref") == "B2:E8"
    columns = root.find(f"{{{MAIN}}}tableColumns")
    assert columns.get("count") == "4"
    assert [(c.get("id"), c.get("name")) for c in columns] == [
        ("1", "a"), ("7", "b"), ("8", "Recommendation"), ("9", "R&D")]
    assert out.endswith(b'<tableStyleInfo name="TableStyleMedium2"/></table>')


def test_strings_appended_to_a_latin_1_table_are_character_references() -> None:
    xml = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
           f'<sst xmlns="{MAIN}" uniqueCount="1"><si><t>caf\xe9</t></si></sst>'
           ).encode("latin-1")
    plan = SharedStrings(SharedTable(["café"], set()))
    assert plan.index("café") == 0 and plan.index("Hybrid ➜ 50 €") == 1
    out = b"".join(appended(iter([xml]), plan, lambda old: old, "b"))
    assert out.isascii() is False and b"&#10140;" in out and b"&#8364;" in out
    root = etree.fromstring(out)
    assert ["".join(si.itertext()) for si in root] == ["café", "Hybrid ➜ 50 €"]
