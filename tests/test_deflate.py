"""The deflate of the parts decider writes: zlib-ng where installed, zlib elsewhere
(Pyodide); either way a raw deflate stream any zip reader inflates."""

from __future__ import annotations

import io
import sys
import zipfile
import zlib

import pytest

from decider.workbook.package import zipcopy

SHEET = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>%d</v></c></row>'
                 % (i, i, i % 7, i, i * 37 % 1000) for i in range(1, 20_000))


def _inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


def _deflated(level: int) -> bytes:
    compressor = zipcopy._compressor(level)
    return compressor.compress(SHEET) + compressor.flush()


def test_zlib_ng_when_installed() -> None:
    pytest.importorskip("zlib_ng")
    from zlib_ng import zlib_ng

    compressor = zipcopy._compressor(6)
    assert type(compressor) is type(zlib_ng.compressobj())
    out = _deflated(6)
    assert _inflate(out) == SHEET and len(out) < len(SHEET) / 5
    # Level 6 asks zlib-ng for its 5: within a few percent of zlib's 6 here.
    zlib_six = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert len(out) <= 1.1 * len(zlib_six.compress(SHEET) + zlib_six.flush())


def test_plain_zlib_where_zlib_ng_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # import zlib_ng: ImportError
    compressor = zipcopy._compressor(6)
    assert type(compressor) is type(zlib.compressobj())
    reference = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert _deflated(6) == reference.compress(SHEET) + reference.flush()


@pytest.mark.parametrize("zlib_ng_present", [True, False])
def test_a_replaced_part_reads_back_with_zipfile(monkeypatch: pytest.MonkeyPatch,
                                                 zlib_ng_present: bool) -> None:
    if not zlib_ng_present:
        monkeypatch.setitem(sys.modules, "zlib_ng", None)
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("xl/worksheets/sheet1.xml", b"<old/>")
    source.seek(0)
    target = io.BytesIO()
    with zipfile.ZipFile(source) as package:
        chunks = (SHEET[i:i + 4096] for i in range(0, len(SHEET), 4096))
        zipcopy.copy_edited(package, source, target, {"xl/worksheets/sheet1.xml": chunks},
                            [], set(), level=6)
    with zipfile.ZipFile(target) as written:
        assert written.testzip() is None
        assert written.read("xl/worksheets/sheet1.xml") == SHEET
        assert written.read("[Content_Types].xml") == b"<Types/>"
