"""PackageEdit (several parts edited in one pass) and the manifest helpers
([Content_Types].xml and .rels edited minimally)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from decider.workbook.package.edits import PackageEdit
from decider.workbook.package.manifest import (
    add_default,
    add_override,
    add_relationship,
    content_type_of,
    relationships_of,
    relationships_xml,
    relative_target,
    rels_part,
)
from decider.workbook.package.opening import open_package


def _package(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "hello"
    workbook.create_sheet("Two")["B2"] = 2
    workbook.save(path)
    return path


def _write(path: Path, edit: PackageEdit) -> zipfile.ZipFile:
    out = io.BytesIO()
    with open_package(path) as package, path.open("rb") as raw:
        edit.write(package, raw, out)
    out.seek(0)
    copied = zipfile.ZipFile(out)
    assert copied.testzip() is None
    return copied


def test_edits_replace_add_and_remove_in_one_pass(tmp_path: Path) -> None:
    path = _package(tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        originals = {i.filename: (archive.read(i), i.CRC, i.compress_size)
                     for i in archive.infolist()}
    edit = PackageEdit()
    edit.replace("xl/worksheets/sheet1.xml", iter([b"<a>", b"</a>"]))
    edit.add("xl/new/one.xml", b"<one/>")
    edit.add("xl/new/two.xml", b"<two/>")
    edit.remove("docProps/app.xml")
    copied = _write(path, edit)
    expected = [n for n in names if n != "docProps/app.xml"] + ["xl/new/one.xml",
                                                                 "xl/new/two.xml"]
    assert copied.namelist() == expected
    assert copied.read("xl/worksheets/sheet1.xml") == b"<a></a>"
    assert copied.read("xl/new/two.xml") == b"<two/>"
    for info in copied.infolist():
        if info.filename in originals and info.filename != "xl/worksheets/sheet1.xml":
            data, crc, size = originals[info.filename]
            assert (copied.read(info), info.CRC, info.compress_size) == (data, crc, size)


def test_current_composes_edits_of_the_same_part(tmp_path: Path) -> None:
    path = _package(tmp_path)
    edit = PackageEdit()
    with open_package(path) as package:
        original = edit.current(package, "[Content_Types].xml")
        assert original == package.read_small("[Content_Types].xml")
        edit.replace("[Content_Types].xml", add_override(original, "/xl/a.xml", "text/a"))
        step = edit.current(package, "[Content_Types].xml")
        edit.replace("[Content_Types].xml", add_override(step, "/xl/b.xml", "text/b"))
        edit.add("xl/a.xml", b"<a/>")
        edit.replace("xl/a.xml", b"<a2/>")  # an added part replaced stays added
        assert edit.current(package, "xl/a.xml") == b"<a2/>"
        streamed = iter([b"<x", b"/>"])
        edit.replace("xl/worksheets/sheet2.xml", streamed)
        assert edit.current(package, "xl/worksheets/sheet2.xml") == b"<x/>"
        edit.remove("docProps/core.xml")
        assert not edit.has(package, "docProps/core.xml")
        with pytest.raises(KeyError):
            edit.current(package, "docProps/core.xml")
    copied = _write(path, edit)
    types = copied.read("[Content_Types].xml")
    assert content_type_of(types, "xl/a.xml") == "text/a"
    assert content_type_of(types, "/xl/b.xml") == "text/b"
    assert copied.read("xl/worksheets/sheet2.xml") == b"<x/>"
    assert copied.namelist()[-1] == "xl/a.xml" and copied.read("xl/a.xml") == b"<a2/>"


def test_a_removed_part_added_again_moves_to_the_end(tmp_path: Path) -> None:
    path = _package(tmp_path)
    edit = PackageEdit()
    edit.remove("xl/styles.xml")
    edit.add("xl/styles.xml", b"<styleSheet/>")
    copied = _write(path, edit)
    assert copied.namelist()[-1] == "xl/styles.xml"
    assert copied.namelist().count("xl/styles.xml") == 1


def test_adding_a_part_the_package_has_is_refused(tmp_path: Path) -> None:
    path = _package(tmp_path)
    edit = PackageEdit()
    edit.add("xl/styles.xml", b"<x/>")
    with pytest.raises(ValueError, match="already in the package"):
        _write(path, edit)


def test_new_parts_are_dated_from_the_package_so_runs_repeat(tmp_path: Path) -> None:
    path = _package(tmp_path)
    outputs = []
    for _ in range(2):
        edit = PackageEdit()
        edit.add("xl/new.xml", b"<n/>")
        out = io.BytesIO()
        with open_package(path) as package, path.open("rb") as raw:
            edit.write(package, raw, out)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]


TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
         b'<Override PartName="/xl/workbook.xml" ContentType="wb"/></Types>')


def test_add_override_inserts_once_and_keeps_every_other_byte() -> None:
    once = add_override(TYPES, "xl/sharedStrings.xml", "strings")
    assert once == TYPES.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="strings"/>'
        b"</Types>")
    assert add_override(once, "/xl/sharedStrings.xml", "strings") == once
    assert add_override(once, "/XL/workbook.xml", "wb") == once  # part names ignore case
    changed = add_override(once, "/xl/workbook.xml", "macro & wb")
    assert b'PartName="/xl/workbook.xml" ContentType="macro &amp; wb"' in changed
    assert len(changed) - len(once) == len(b"macro &amp; wb") - len(b"wb")
    etree.fromstring(changed)


def test_add_default_goes_beside_the_defaults_once() -> None:
    added = add_default(TYPES, ".png", "image/png")
    assert added == TYPES.replace(
        b'ContentType="application/xml"/>',
        b'ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>')
    assert add_default(added, "PNG", "image/png") == added
    assert content_type_of(added, "xl/media/image1.png") == "image/png"


def test_manifest_keeps_the_file_s_namespace_prefix() -> None:
    prefixed = (b'<ct:Types xmlns:ct="http://schemas.openxmlformats.org/package/2006/'
                b'content-types"><ct:Default Extension="xml" ContentType="application/xml"/>'
                b"</ct:Types>")
    out = add_override(prefixed, "/xl/s.xml", "s")
    assert out.endswith(b'<ct:Override PartName="/xl/s.xml" ContentType="s"/></ct:Types>')
    root = etree.fromstring(out)
    assert [etree.QName(e).localname for e in root] == ["Default", "Override"]
    empty = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    opened = add_override(empty, "/a.xml", "a")
    assert len(etree.fromstring(opened)) == 1


RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b"<Relationship Id='rId3' Type='t/styles' Target='styles.xml'/>"
        b'<Relationship Id="rId1" Type="t/worksheet" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId7" Type="t/link" Target="http://x" TargetMode="External"/>'
        b"</Relationships>")


def test_add_relationship_gives_a_new_unique_id_and_keeps_the_rest() -> None:
    added, rel_id = add_relationship(RELS, "t/sharedStrings", "sharedStrings.xml")
    assert rel_id == "rId8"
    assert added == RELS.replace(b"</Relationships>", b'<Relationship Id="rId8" '
                                 b'Type="t/sharedStrings" Target="sharedStrings.xml"/>'
                                 b"</Relationships>")
    again, same = add_relationship(added, "t/sharedStrings", "sharedStrings.xml")
    assert (again, same) == (added, "rId8")
    ids = [r["Id"] for r in relationships_of(added)]
    assert len(ids) == len(set(ids)) == 4


def test_relationships_xml_is_a_valid_rels_part() -> None:
    xml = relationships_xml([("rId1", "t/chart", "../charts/chart1.xml")])
    root = etree.fromstring(xml)
    assert etree.QName(root).namespace.endswith("/package/2006/relationships")
    assert relationships_of(xml) == [{"Id": "rId1", "Type": "t/chart",
                                      "Target": "../charts/chart1.xml"}]
    assert relationships_xml([]).endswith(b"></Relationships>")


def test_rels_paths() -> None:
    assert rels_part("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"
    assert rels_part("") == "_rels/.rels"
    assert relative_target("xl/worksheets/sheet1.xml", "xl/drawings/drawing1.xml") == (
        "../drawings/drawing1.xml")
    assert relative_target("xl/workbook.xml", "xl/sharedStrings.xml") == "sharedStrings.xml"
