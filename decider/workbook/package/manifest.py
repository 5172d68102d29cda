"""Package-level XML edited minimally: `[Content_Types].xml` and `.rels` parts.

Bytes in, bytes out. A new entry is inserted as text before the closing tag (or after
the last entry of its kind), in the namespace prefix the file already uses, so every
existing byte of the file stays as it was; an entry already there is left alone, so a
second run changes nothing.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable

RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
SHARED_STRINGS_REL = OFFICE_RELATIONSHIPS + "/sharedStrings"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
STYLES_REL = OFFICE_RELATIONSHIPS + "/styles"

_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def escape(value: str) -> str:
    """Text for an XML attribute in double quotes (or element text)."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def escape_text(value: str) -> str:
    """Text for an element's content (quotes need no escape there)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def set_attribute(tag: bytes, name: bytes, value: str) -> bytes:
    """A start tag with `name` set (replaced in place, else added last)."""
    found = re.search(rb"(\s" + name + rb"""\s*=\s*)(["'])[^"']*\2""", tag)
    quoted = b'"' + escape(value).encode() + b'"'
    if found is not None:
        return tag[:found.start(2)] + quoted + tag[found.end():]
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end].rstrip() + b" " + name + b"=" + quoted + tag[end:]


def attributes(tag: bytes) -> dict[str, str]:
    """A start tag's attributes by their local name, unescaped."""
    found = {}
    for match in _ATTRIBUTE.finditer(tag):
        name = match.group(1).decode("utf-8").rpartition(":")[2]
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        found[name] = html.unescape(raw.decode("utf-8"))
    return found


def _elements(xml: bytes, local: str) -> list[re.Match[bytes]]:
    """The start (or empty) tags of every `local` element, any prefix."""
    pattern = re.compile(rb"<(?:[\w.-]+:)?" + local.encode() + rb"\b[^>]*>")
    return list(pattern.finditer(xml))


def _root_prefix(xml: bytes, root: str) -> bytes:
    found = re.search(rb"<([\w.-]+:)?" + root.encode() + rb"\b", xml)
    if found is None:
        raise ValueError(f"no <{root}> element")
    return found.group(1) or b""


def _insert_before_close(xml: bytes, root: str, addition: bytes) -> bytes:
    """`addition` as the root's last children (an empty root `<X .../>` is opened up)."""
    prefix = _root_prefix(xml, root)
    close = b"</" + prefix + root.encode()
    at = xml.rfind(close)
    if at >= 0:
        return xml[:at] + addition + xml[at:]
    empty = re.search(rb"<" + re.escape(prefix) + root.encode() + rb"\b[^>]*?/>", xml)
    if empty is None:
        raise ValueError(f"no end to the <{root}> element")
    opened = empty.group(0)[:-2].rstrip() + b">"
    return (xml[:empty.start()] + opened + addition + close + b">" + xml[empty.end():])


# -- [Content_Types].xml -----------------------------------------------------------------


def add_override(content_types: bytes, part_name: str, content_type: str) -> bytes:
    """An `<Override>` for `part_name` ("/xl/x.xml" or "xl/x.xml"). One already there for
    that part keeps its place; only its ContentType changes if it differs."""
    name = "/" + part_name.lstrip("/")
    for match in _elements(content_types, "Override"):
        found = attributes(match.group(0))
        if found.get("PartName", "").lower() != name.lower():
            continue
        if found.get("ContentType") == content_type:
            return content_types
        tag = re.sub(rb"""(\bContentType\s*=\s*)(["'])[^"']*\2""",
                     lambda m: m.group(1) + b'"' + escape(content_type).encode() + b'"',
                     match.group(0), count=1)
        return content_types[:match.start()] + tag + content_types[match.end():]
    prefix = _root_prefix(content_types, "Types")
    entry = (b"<" + prefix + b'Override PartName="' + escape(name).encode()
             + b'" ContentType="' + escape(content_type).encode() + b'"/>')
    return _insert_before_close(content_types, "Types", entry)


def add_default(content_types: bytes, extension: str, content_type: str) -> bytes:
    """A `<Default>` for files ending in `extension`, unless one is there already (its
    content type is then left as the file has it)."""
    extension = extension.lstrip(".")
    defaults = _elements(content_types, "Default")
    for match in defaults:
        if attributes(match.group(0)).get("Extension", "").lower() == extension.lower():
            return content_types
    prefix = _root_prefix(content_types, "Types")
    entry = (b"<" + prefix + b'Default Extension="' + escape(extension).encode()
             + b'" ContentType="' + escape(content_type).encode() + b'"/>')
    if defaults:  # beside the other defaults, as Excel writes them
        at = defaults[-1].end()
        return content_types[:at] + entry + content_types[at:]
    return _insert_before_close(content_types, "Types", entry)


def content_type_of(content_types: bytes, part_name: str) -> str | None:
    """The content type `[Content_Types].xml` gives a part (override, else default)."""
    name = "/" + part_name.lstrip("/")
    for match in _elements(content_types, "Override"):
        found = attributes(match.group(0))
        if found.get("PartName", "").lower() == name.lower():
            return found.get("ContentType")
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    for match in _elements(content_types, "Default"):
        found = attributes(match.group(0))
        if found.get("Extension", "").lower() == extension:
            return found.get("ContentType")
    return None


# -- relationships -----------------------------------------------------------------------


def rels_part(part: str) -> str:
    """Where a part's relationships live: xl/workbook.xml -> xl/_rels/workbook.xml.rels
    ("" is the package itself: _rels/.rels)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def relative_target(source_part: str, target_part: str) -> str:
    """`target_part` as a relationship of `source_part` names it (relative to its folder)."""
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


def relationships_of(rels: bytes) -> list[dict[str, str]]:
    """Each `<Relationship>`'s attributes (Id, Type, Target, TargetMode)."""
    return [attributes(m.group(0)) for m in _elements(rels, "Relationship")]


def add_relationship(rels: bytes, rel_type: str, target: str) -> tuple[bytes, str]:
    """A relationship to `target` (as the .rels names it, usually relative), with a new
    unique Id; returned with that Id. One of that type to that target already there is
    reused: the file is unchanged and its Id returned."""
    existing = relationships_of(rels)
    for found in existing:
        if (found.get("Type") == rel_type and found.get("Target") == target
                and found.get("TargetMode", "Internal") == "Internal"):
            return rels, found.get("Id", "")
    rel_id = _new_id({found.get("Id", "") for found in existing})
    prefix = _root_prefix(rels, "Relationships")
    entry = (b"<" + prefix + b'Relationship Id="' + rel_id.encode() + b'" Type="'
             + escape(rel_type).encode() + b'" Target="' + escape(target).encode() + b'"/>')
    return _insert_before_close(rels, "Relationships", entry), rel_id


def _new_id(taken: set[str]) -> str:
    numbers = [int(i[3:]) for i in taken if re.fullmatch(r"rId\d+", i)]
    number = max(numbers, default=0) + 1
    while f"rId{number}" in taken:  # pragma: no cover - max + 1 is never taken
        number += 1
    return f"rId{number}"


def relationships_xml(items: Iterable[tuple[str, str, str]]) -> bytes:
    """A new .rels part from (Id, Type, Target) triples."""
    entries = "".join(f'<Relationship Id="{escape(rel_id)}" Type="{escape(rel_type)}" '
                      f'Target="{escape(target)}"/>' for rel_id, rel_type, target in items)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{RELATIONSHIPS_NS}">{entries}</Relationships>'
            ).encode()
