"""Writing a package that differs from its source in a few members only.

Every member that is not edited is copied as raw bytes (local header, compressed data and
any data descriptor), so its content, compression and timestamps stay exactly as they
were, in the same order. A replaced member keeps its place and name and is deflated from
a stream of chunks; removed members are dropped; added members go at the end, in order.
"""

from __future__ import annotations

import queue
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO

from decider.workbook.errors import WorkbookError

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END_SIGNATURE = b"PK\x05\x06"
_DESCRIPTOR_FLAG = 0x08
_COPY_CHUNK = 1 << 20
_ZIP64_LIMIT = 0xFFFFFFFF


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11 | minute << 5 | second // 2,
            (year - 1980) << 9 | month << 5 | day)


def _name_bytes(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def copy_edited(source: zipfile.ZipFile, source_file: BinaryIO, target: BinaryIO,
                replaced: Mapping[str, bytes | Iterable[bytes]],
                added: Sequence[tuple[str, bytes | Iterable[bytes]]] = (),
                removed: Iterable[str] = (),
                level: int = 6) -> None:
    """Write `source` to `target` in one pass: `replaced` members keep their place,
    `removed` ones are dropped, `added` ones are written last in the order given."""
    infos = source.infolist()
    if any(i.file_size >= _ZIP64_LIMIT or i.compress_size >= _ZIP64_LIMIT
           or i.header_offset >= _ZIP64_LIMIT for i in infos):
        raise WorkbookError("workbooks over 4 GB (zip64) are not supported")
    dropped = set(removed)
    ends = _member_ends(source, infos)
    records = []
    for info in infos:
        if info.filename in dropped:
            continue
        offset = target.tell()
        if info.filename in replaced:
            info = _write_replaced(target, info, replaced[info.filename], level)
        else:
            _copy_raw(source_file, target, info.header_offset, ends[info.header_offset])
        records.append((info, offset))
    for added_name, data in added:
        offset = target.tell()
        records.append((_write_replaced(target, _new_info(added_name, infos), data, level),
                        offset))
    directory_start = target.tell()
    for info, offset in records:
        name = _name_bytes(info)
        time, date = _dos_time(info.date_time)
        target.write(_CENTRAL.pack(
            _CENTRAL_SIGNATURE, info.create_version, info.create_system, info.extract_version,
            info.reserved, info.flag_bits, info.compress_type, time, date, info.CRC,
            info.compress_size, info.file_size, len(name), len(info.extra),
            len(info.comment), 0, info.internal_attr, info.external_attr, offset))
        target.write(name + info.extra + info.comment)
    directory_size = target.tell() - directory_start
    count = len(records)
    comment = source.comment
    target.write(_END.pack(_END_SIGNATURE, 0, 0, count, count, directory_size,
                           directory_start, len(comment)))
    target.write(comment)


def _new_info(name: str, infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    """A new member's header, dated like the package's first member: the same input gives
    the same output, byte for byte (no clock time)."""
    stamp = infos[0].date_time if infos else (1980, 1, 1, 0, 0, 0)
    info = zipfile.ZipInfo(name, stamp)
    info.orig_filename = name
    info.flag_bits = 0 if name.isascii() else 0x800
    info.create_system = 0
    info.create_version = info.extract_version = 20
    info.external_attr = 0
    return info


def _member_ends(source: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[int, int]:
    """Where each member's bytes end: at the next member's local header, or at the
    central directory."""
    starts = sorted({info.header_offset for info in infos})
    directory = source.start_dir  # type: ignore[attr-defined]
    return {start: (starts[i + 1] if i + 1 < len(starts) else directory)
            for i, start in enumerate(starts)}


def _copy_raw(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    source.seek(start)
    left = end - start
    while left > 0:
        chunk = source.read(min(left, _COPY_CHUNK))
        if not chunk:
            raise WorkbookError("the workbook is damaged (a part is cut short)")
        target.write(chunk)
        left -= len(chunk)


def _write_replaced(target: BinaryIO, original: zipfile.ZipInfo,
                    content: bytes | Iterable[bytes], level: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(original.filename, original.date_time)
    info.orig_filename = original.orig_filename
    info.flag_bits = original.flag_bits & 0x800  # keep only "name is UTF-8"
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_version = original.create_version
    info.create_system = original.create_system
    info.extract_version = max(20, original.extract_version)
    info.external_attr = original.external_attr
    info.internal_attr = original.internal_attr
    info.extra = b""
    info.comment = original.comment
    name = _name_bytes(info)
    header_at = target.tell()
    time, date = _dos_time(info.date_time)

    def local_header(crc: int, compressed: int, size: int) -> bytes:
        return _LOCAL.pack(_LOCAL_SIGNATURE, info.extract_version, 0, info.flag_bits,
                           info.compress_type, time, date, crc, compressed, size,
                           len(name), 0) + name

    target.write(local_header(0, 0, 0))
    if isinstance(content, bytes):  # a small part: no thread needed
        crc, size, compressed = _deflate(content, target, level)
    else:
        crc, size, compressed = _deflate_in_background(content, target, level)
    if size >= _ZIP64_LIMIT or compressed >= _ZIP64_LIMIT:
        raise WorkbookError(f"the part {info.filename} would exceed 4 GB (zip64): "
                            "not supported")
    end = target.tell()
    target.seek(header_at)
    target.write(local_header(crc, compressed, size))
    target.seek(end)
    info.CRC, info.compress_size, info.file_size = crc, compressed, size
    return info


_BATCH = 1 << 20


def _deflate(content: bytes, target: BinaryIO, level: int) -> tuple[int, int, int]:
    compressor = _compressor(level)
    out = compressor.compress(content) + compressor.flush()
    target.write(out)
    return zlib.crc32(content), len(content), len(out)


def _deflate_in_background(content: Iterable[bytes], target: BinaryIO, level: int
                           ) -> tuple[int, int, int]:
    """Deflate and write on a second thread while this one produces the XML: zlib and
    file writes release the GIL, so the two overlap on a two-core machine."""
    batches: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
    totals = [0, 0, 0]  # crc, size, compressed
    failure: list[BaseException] = []

    def work() -> None:
        compressor = _compressor(level)
        crc = size = compressed = 0
        try:
            while (batch := batches.get()) is not None:
                crc = zlib.crc32(batch, crc)
                size += len(batch)
                out = compressor.compress(batch)
                compressed += len(out)
                target.write(out)
            out = compressor.flush()
            compressed += len(out)
            target.write(out)
            totals[:] = [crc, size, compressed]
        except BaseException as error:
            failure.append(error)
            while batches.get() is not None:  # let the producer finish
                pass

    worker = threading.Thread(target=work, name="deflate", daemon=True)
    worker.start()
    pending: list[bytes] = []
    pending_size = 0
    try:
        for chunk in content:
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= _BATCH:
                batches.put(b"".join(pending))
                pending, pending_size = [], 0
        if pending:
            batches.put(b"".join(pending))
    finally:
        batches.put(None)
        worker.join()
    if failure:
        raise failure[0]
    return totals[0], totals[1], totals[2]


def _compressor(level: int) -> Any:
    """A raw deflate stream (a zip member has no zlib header) at zlib's `level`.

    zlib-ng where it is installed: on the parts decider writes (a 100,000-row scored
    sheet, its shared strings and the summary) its level 5 deflates 2.2 times faster than
    zlib's 6 (0.28 s against 0.62 s) for 2% more bytes (scripts/bench_deflate.py: the
    workbook 1.74 times its input against 1.70; isal: 2.2 at best). Since the section 11
    and 12 texts (a rationale per combination of typed values, a changes column) no level
    of either keeps that sheet within 1.5 times its input (zlib 9: 1.61). Plain zlib
    where zlib-ng is missing (Pyodide): the same format, read alike everywhere."""
    try:
        from zlib_ng import zlib_ng
    except ImportError:
        return zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib_ng.compressobj(_ZLIB_NG_LEVEL.get(level, level), zlib_ng.DEFLATED, -15)


# zlib's level -> zlib-ng's that compresses these parts about as tightly.
_ZLIB_NG_LEVEL = {6: 5}
