"""`decider score --recalculate`: LibreOffice, headless, recalculates a copy of the
workbook and saves it; decider reads that copy's saved values (the original is what it
writes into). For workbooks written by scripts, whose formulas carry no saved value.
LibreOffice is a real dependency of this option only: a clear one-line error when it is
not installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package, open_package

# LibreOffice trusts a file's saved values by default: recalculate every formula on load.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
TIMEOUT_SECONDS = 600


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def recalculated(source: Path, recalculate: bool) -> Iterator[Package | None]:
    """The recalculated copy, opened (None when not asked)."""
    if not recalculate:
        yield None
        return
    binary = soffice()
    if binary is None:
        raise WorkbookError("--recalculate needs LibreOffice, which is not installed (no "
                            "soffice on the PATH): install it, or open and save the "
                            "workbook in Excel first")
    with tempfile.TemporaryDirectory(prefix="decider-recalc-") as folder:
        base = Path(folder)
        user = base / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, "utf-8")
        copy = base / f"in{source.suffix.lower()}"
        shutil.copyfile(source, copy)
        out = base / "out"
        command = [binary, f"-env:UserInstallation={(base / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to",
                   "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(copy)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.SubprocessError, OSError) as error:
            raise WorkbookError(f"--recalculate: LibreOffice could not recalculate "
                                f"{source.name} ({type(error).__name__})") from None
        result = out / "in.xlsx"
        if not result.exists():
            raise WorkbookError(f"--recalculate: LibreOffice wrote no copy of {source.name}")
        with open_package(result) as values:
            yield values
