"""The edits one `decider score` run makes to a package, written in one pass.

Several writers (the scored sheet, its styles, shared strings, a table, the summary sheet)
each change a few parts. A `PackageEdit` collects those changes, lets a later edit build
on an earlier one's bytes (`current`), and writes the whole package once: replaced parts
keep their place and name, added parts go at the end in the order added, removed parts
are dropped, and every other part is copied raw (see `zipcopy`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from decider.workbook.package.opening import Package
from decider.workbook.package.zipcopy import copy_edited


class PackageEdit:
    """Parts replaced, added and removed; nothing is written until `write`."""

    def __init__(self, package: Package | None = None) -> None:
        self._replaced: dict[str, bytes | Iterable[bytes]] = {}
        # Insertion order is the write order; chunks are streamed when written.
        self._added: dict[str, bytes | Iterable[bytes]] = {}
        self._removed: set[str] = set()
        # With the package, a part may be named as Excel compares names (any case, "\\" or
        # "/"): an existing part is edited under its stored name.
        self._package = package

    def _stored(self, name: str) -> str:
        if self._package is None:
            return name
        return self._package.member(name) or name

    def replace(self, name: str, content: bytes | Iterable[bytes]) -> None:
        """New content for a part: the source's (kept in its place), or one added earlier.
        An iterable of chunks is streamed when written (the scored sheet)."""
        name = self._stored(name)
        if name in self._added:
            self._added[name] = _whole(content)
            return
        if name in self._removed:
            raise ValueError(f"{name} was removed: add it again instead")
        self._replaced[name] = content

    def add(self, name: str, content: bytes | Iterable[bytes]) -> None:
        """A new part, written after every source part (an iterable of chunks is streamed
        then: the shared strings). A source part removed earlier may be added again (it
        then moves to the end)."""
        name = self._stored(name)
        if name in self._added or name in self._replaced:
            raise ValueError(f"{name} is already in the package: replace it instead")
        self._added[name] = content

    def remove(self, name: str) -> None:
        name = self._stored(name)
        self._replaced.pop(name, None)
        if self._added.pop(name, None) is None:
            self._removed.add(name)

    def has(self, package: Package, name: str) -> bool:
        """Whether the edited package holds `name`."""
        name = self._stored(name)
        if name in self._added:
            return True
        return name not in self._removed and name in package.names

    def current(self, package: Package, name: str) -> bytes:
        """The part's bytes as edited so far, else the source's. A streamed replacement is
        gathered here (and kept whole): ask only for small parts."""
        name = self._stored(name)
        if name in self._added:
            whole = self._added[name] = _whole(self._added[name])
            return whole
        if name in self._removed:
            raise KeyError(f"{name} was removed")
        if name in self._replaced:
            whole = _whole(self._replaced[name])
            self._replaced[name] = whole
            return whole
        return package.read_small(name)

    @property
    def changed(self) -> list[str]:
        """Every part this edit touches: replaced, added or removed."""
        return [*self._replaced, *self._added, *sorted(self._removed)]

    def write(self, package: Package, source_file: BinaryIO, target: BinaryIO,
              level: int = 6) -> None:
        """The edited package into `target`; `source_file` is the source opened raw.
        Level 6 (zlib's default; zlib-ng's 5, see `zipcopy._compressor`): the deflate runs
        beside the XML rewrite on a second core."""
        clashing = (set(self._added) & package.names) - self._removed
        if clashing:
            raise ValueError(f"added parts already in the package: {sorted(clashing)}")
        missing = set(self._replaced) - package.names
        if missing:
            raise ValueError(f"replaced parts not in the package: {sorted(missing)}")
        copy_edited(package.zip, source_file, target, self._replaced,
                    list(self._added.items()), self._removed, level=level)


def _whole(content: bytes | Iterable[bytes]) -> bytes:
    return content if isinstance(content, bytes) else b"".join(content)
