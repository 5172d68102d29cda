"""Writing a file whole or not at all, and never over a workbook open in Excel."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from decider.errors import DeciderInputError

# Workbooks that Excel and LibreOffice mark as open with a file beside them.
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb"})


@contextmanager
def replaced_whole(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `target` to write into; renamed over `target` when the block
    ends without error, removed otherwise: a failure never leaves a half-written file.

    A workbook open in Excel or LibreOffice is refused before anything is written
    (`refuse_if_open`), and a replace the system refuses (the file locked by a program on
    Windows) is the same one-line `DeciderInputError`, `target` untouched.

    `mode`: the permission bits of the result; by default those of `target` when it
    exists, else those of a new file under the user's umask (not mkstemp's 0600)."""
    refuse_if_open(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp",
                                    dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        if mode is None:
            mode = target.stat().st_mode & 0o777 if target.exists() else _new_file_mode()
        os.chmod(temporary, mode)
        try:
            os.replace(temporary, target)
        except PermissionError as error:
            raise DeciderInputError(_locked(target, error)) from None
    finally:
        temporary.unlink(missing_ok=True)


def refuse_if_open(target: Path) -> None:
    """Refuse to write over a workbook that Excel or LibreOffice has open: on Windows the
    write would fail, on Mac and Linux it would succeed and the program's next save would
    silently put the old content back. Raises `DeciderInputError` naming the program, the
    file that says so (an owner or lock file beside the workbook) and how to remove it if
    it is stale; does nothing for a file that does not exist yet."""
    if target.suffix.lower() not in _WORKBOOK_SUFFIXES or not target.is_file():
        return
    for owner in _excel_owner_files(target):
        if not owner.is_file():
            continue
        if owner.name == f"~${target.name}":
            raise DeciderInputError(
                f"{target.name} is open in Excel (its owner file {owner.name} is beside "
                f"it): close it in Excel and run again; if Excel is not running, that "
                f"file is left over from a crash: delete {owner}")
        raise DeciderInputError(
            f"{target.name} may be open in Excel (the owner file {owner.name} beside it is "
            f"what Excel writes for a workbook of this name: for a long name ~$ takes the "
            f"place of its first characters): close it in Excel and run again; if no "
            f"workbook named like it is open, that file is left over: delete {owner}")
    lock = target.with_name(f".~lock.{target.name}#")
    if lock.is_file():
        raise DeciderInputError(
            f"{target.name} is open in LibreOffice{_lock_owner(lock)} (its lock file "
            f"{lock.name} is beside it): close it in LibreOffice and run again; if "
            f"LibreOffice is not running there, the lock is left over: delete {lock}")


def _excel_owner_files(target: Path) -> list[Path]:
    """Where Office's owner file for `target` may be: "~$" before the name; for a longer
    name (as Word does: a stem of 7 characters, 8 or more), "~$" in place of its first
    one or two characters, which keeps the owner file's name short ("~$arterly
    report.xlsx" for "Quarterly report.xlsx")."""
    name, stem = target.name, len(target.stem)
    forms = [f"~${name}"]
    if stem >= 7:
        forms.append(f"~${name[1:]}")
    if stem >= 8:
        forms.append(f"~${name[2:]}")
    return [target.with_name(form) for form in forms]


def _lock_owner(lock: Path) -> str:
    """', by USER on HOST' from a LibreOffice lock file, where it can be read. Its fields:
    the user's full name (often empty), login name, host, date and profile:
    ",alice,laptop,02.12.2026 15:46,file:///home/alice/.config/libreoffice/4;"."""
    try:
        fields = lock.read_text("utf-8", errors="replace").split(",")
    except OSError:
        return ""
    fields += [""] * 3
    user = fields[0].strip() or fields[1].strip()
    host = fields[2].strip()
    if not user:
        return ""
    return f", by {user}" + (f" on {host}" if host else "")


def _locked(target: Path, error: PermissionError) -> str:
    reason = error.strerror or str(error)
    return (f"{target.name} could not be replaced ({reason}): it is open in another program "
            f"(Excel?) or read-only; close it and run again ({target.name} is unchanged)")


def _new_file_mode() -> int:
    umask = os.umask(0)  # reading the umask means setting it: put it straight back
    os.umask(umask)
    return 0o666 & ~umask
