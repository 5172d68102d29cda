"""Writing a file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_whole(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `target` to write into; renamed over `target` when the block
    ends without error, removed otherwise: a failure never leaves a half-written file.

    `mode`: the permission bits of the result; by default those of `target` when it
    exists, else those of a new file under the user's umask (not mkstemp's 0600)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp",
                                    dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        if mode is None:
            mode = target.stat().st_mode & 0o777 if target.exists() else _new_file_mode()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _new_file_mode() -> int:
    umask = os.umask(0)  # reading the umask means setting it: put it straight back
    os.umask(umask)
    return 0o666 & ~umask
