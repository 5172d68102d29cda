"""decider's Excel functions in xlwings Lite's real runtime: Pyodide (from npm) run by
Node, with decider's own wheel and xlwings' Pyodide build unpacked offline, called
through xlwings' Office.js call path (custom_functions_call), for single cells, spilled
ranges and refusals; every answer compared with CPython's on the same calls.

Pyodide has no numpy or pandas here: nothing but the two wheels is installed, so the
Excel functions must do without them (as they must in xlwings Lite, where micropip would
otherwise have to fetch them).

scripts/test.sh installs Node.js, npm and the pyodide package (into .tools/pyodide);
this test installs them itself where they are missing but Node is there, and skips only
without Node.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "tests" / "lite"
TOOLS = ROOT / ".tools" / "pyodide"
# Pyodide 314 runs Python 3.14 with the ABI of xlwings' pyemscripten_2026_0 wheels.
PYODIDE_VERSION = "314.0.8"
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600,
                               **options)
    assert completed.returncode == 0, f"{' '.join(command)}:\n{completed.stderr[-3000:]}"
    return completed


def _missing(reason: str) -> None:
    """A missing tool fails in CI, where scripts/test.sh must have installed it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: run scripts/test.sh")
    pytest.skip(f"{reason}: it runs Pyodide; scripts/test.sh installs it")


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        _missing("Node.js (node) is not installed")
    assert found is not None
    version = _run([found, "--version"]).stdout.strip()  # v20.20.2
    if int(version.lstrip("v").split(".")[0]) < 18:
        _missing(f"Node.js {version} is too old for Pyodide (18 or newer)")
    return found


@pytest.fixture(scope="module")
def pyodide(node: str) -> Path:
    """Pyodide's npm package, as scripts/test.sh installs it."""
    folder = TOOLS / "node_modules" / "pyodide"
    if not (folder / "pyodide.mjs").is_file():
        npm = shutil.which("npm")
        assert npm is not None, "npm is missing beside node: run scripts/test.sh"
        _run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS),
              f"pyodide@{PYODIDE_VERSION}"])
    version = json.loads((folder / "package.json").read_text("utf-8"))["version"]
    assert version == PYODIDE_VERSION, f"{folder}: pyodide {version}, not {PYODIDE_VERSION}"
    return folder


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """decider's wheel, built from this checkout, and xlwings' Pyodide build of the version
    installed here (so that both runtimes run the same xlwings)."""
    import xlwings

    built = tmp_path_factory.mktemp("wheels")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT),
          "-w", str(built)])
    cache = TOOLS / "wheels"
    name = f"xlwings-{xlwings.__version__}-cp314-cp314-{PYODIDE_PLATFORM}.whl"
    if not (cache / name).is_file():
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
              "--platform", PYODIDE_PLATFORM, "--python-version", "3.14",
              "--implementation", "cp", "--abi", "cp314", "--only-binary=:all:",
              f"xlwings=={xlwings.__version__}", "-d", str(cache)])
    return [*sorted(built.glob("decider-*.whl")), cache / name]


def _answers_in_cpython() -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DECIDER_POLICY", None)
    completed = _run([sys.executable, str(LITE / "lite_calls.py")], env=env)
    found: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return found


def test_the_excel_functions_in_pyodide_answer_as_in_cpython(
        node: str, pyodide: Path, wheels: list[Path]) -> None:
    completed = _run([node, str(LITE / "run_pyodide.mjs"), str(pyodide),
                      str(LITE / "lite_calls.py"), *map(str, wheels)])
    in_pyodide = json.loads(completed.stdout.splitlines()[-1])
    in_cpython = _answers_in_cpython()
    assert in_pyodide["platform"] == "emscripten" and in_pyodide["python"].startswith("3.14")
    assert in_pyodide["numpy or pandas"] == []  # not even installed there
    assert in_pyodide["functions"] == in_cpython["functions"] == [
        "ORCH_ARCH", "ORCH_CHANGES", "ORCH_EXPLAIN", "ORCH_INDEX"]
    assert in_pyodide["answers"] == in_cpython["answers"]
    # What was compared: answers, a spilled column and row, and refusals.
    answers = in_pyodide["answers"]
    assert answers[0] == [["Hybrid"]]
    assert answers[4] == {"refused": answers[7][2][0]}  # 'lots': #VALUE! alone, text in a range
    assert answers[4]["refused"].startswith("size 'lots' is not recognised; accepted:")
    assert answers[5] == {"refused": "size holds the Excel error #N/A: correct or clear "
                                     "that cell"}
    assert answers[7][3:5] == [[""], [""]] and len(answers[7]) == 6
    assert len(answers[8]) == 1 and len(answers[8][0]) == 3
    assert answers[10]["refused"].startswith("ranges of different sizes")
    assert len(answers[12]) == 3 and answers[12][2][0].startswith("size 'lots'")


def test_the_lite_calls_agree_with_recommend() -> None:
    """The CPython side of the comparison is itself right: each single-cell answer is
    `recommend`'s."""
    from decider import DeciderInputError, recommend

    answers = _answers_in_cpython()["answers"]
    sys.path.insert(0, str(LITE))
    try:
        from lite_calls import CALLS
    finally:
        sys.path.remove(str(LITE))
    fields = {"ORCH_ARCH": "architecture", "ORCH_INDEX": "index", "ORCH_EXPLAIN": "explanation"}
    from decider.changes import changes_text
    checked = 0
    for (name, args), answer in zip(CALLS, answers, strict=True):
        cells = [None if arg is None else arg[0][0] for arg in args[:5]]
        if any(arg is not None and (len(arg) > 1 or len(arg[0]) > 1) for arg in args):
            continue  # a range: its rows are checked in the Pyodide test above
        values = [None if cell in ("", None) else
                  cell.get("basicValue") if isinstance(cell, dict) else cell for cell in cells]
        try:
            result = recommend(*values)
            expected: Any = [[changes_text(result) if name == "ORCH_CHANGES"
                              else getattr(result, fields[name])]]
        except DeciderInputError as error:
            expected = {"refused": error.one_line}
        assert answer == expected, (name, args)
        checked += 1
    assert checked == 8
