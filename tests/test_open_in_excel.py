"""`decider score` never writes over a workbook open in Excel or LibreOffice: it refuses in
one line naming the program, the file that says so and how to remove it when stale, and
leaves every file as it was (no backup, no temporary file). A replace the system refuses
(a file locked on Windows) is the same one-line error."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from decider.cli import cli
from decider.errors import DeciderInputError
from decider.files import refuse_if_open, replaced_whole

SAMPLE = Path(__file__).resolve().parent.parent / "xlsx_templates" / "sample_portfolio.xlsx"


def _score(*args: str) -> Result:
    return CliRunner().invoke(cli, ["score", *args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "sample_portfolio.xlsx"
    shutil.copy(SAMPLE, target)
    return target


def _refused(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0].removeprefix("Error: ")


def test_in_place_on_a_workbook_open_in_excel_is_refused(book: Path) -> None:
    owner = book.with_name("~$sample_portfolio.xlsx")
    owner.write_bytes(b"\x05alice" + b" " * 48)  # what Excel writes: the user's name
    before = _snapshot(book.parent)
    message = _refused(_score(str(book), "--in-place"))
    assert message == (
        "sample_portfolio.xlsx is open in Excel (its owner file ~$sample_portfolio.xlsx is "
        "beside it): close it in Excel and run again; if Excel is not running, that file is "
        f"left over from a crash: delete {owner}")
    assert _snapshot(book.parent) == before  # no .bak, no temporary file, input as it was
    # Once Excel has closed it (the owner file gone), the same command works.
    owner.unlink()
    done = _score(str(book), "--in-place")
    assert done.exit_code == 0, done.output
    assert book.with_name("sample_portfolio.bak.xlsx").read_bytes() == SAMPLE.read_bytes()


def test_an_output_open_in_excel_is_refused_and_kept(book: Path, tmp_path: Path) -> None:
    output = tmp_path / "scored.xlsx"
    first = _score(str(book), "-o", str(output))
    assert first.exit_code == 0, first.output
    (tmp_path / "~$scored.xlsx").write_bytes(b"\x03bob")
    before = _snapshot(tmp_path)
    message = _refused(_score(str(book), "-o", str(output)))
    assert message.startswith("scored.xlsx is open in Excel (its owner file ~$scored.xlsx")
    assert _snapshot(tmp_path) == before


def test_the_input_open_in_excel_does_not_stop_a_new_output(book: Path, tmp_path: Path
                                                            ) -> None:
    (tmp_path / "~$sample_portfolio.xlsx").write_bytes(b"\x05alice")
    result = _score(str(book), "-o", str(tmp_path / "new.xlsx"))
    assert result.exit_code == 0, result.output
    assert book.read_bytes() == SAMPLE.read_bytes()


def test_a_long_name_whose_owner_file_excel_shortened(tmp_path: Path) -> None:
    book = tmp_path / "Quarterly portfolio.xlsx"
    shutil.copy(SAMPLE, book)
    owner = tmp_path / "~$arterly portfolio.xlsx"
    owner.write_bytes(b"\x05alice")
    before = _snapshot(tmp_path)
    message = _refused(_score(str(book), "--in-place"))
    assert message.startswith("Quarterly portfolio.xlsx may be open in Excel (the owner file "
                              "~$arterly portfolio.xlsx beside it")
    assert message.endswith(f"that file is left over: delete {owner}")
    assert _snapshot(tmp_path) == before


def test_short_names_are_not_matched_by_a_shortened_owner_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"")
    (tmp_path / "~$t.xlsx").write_bytes(b"")  # not Excel's for out.xlsx
    refuse_if_open(target)


def test_a_libreoffice_lock_is_refused_naming_who_holds_it(book: Path) -> None:
    lock = book.with_name(".~lock.sample_portfolio.xlsx#")
    lock.write_text(",alice,laptop,02.12.2026 15:46,file:///home/alice/.config/lo/4;",
                    "utf-8")
    before = _snapshot(book.parent)
    message = _refused(_score(str(book), "--in-place"))
    assert message == (
        "sample_portfolio.xlsx is open in LibreOffice, by alice on laptop (its lock file "
        ".~lock.sample_portfolio.xlsx# is beside it): close it in LibreOffice and run "
        f"again; if LibreOffice is not running there, the lock is left over: delete {lock}")
    assert _snapshot(book.parent) == before


@pytest.mark.libreoffice
def test_a_workbook_really_open_in_libreoffice(book: Path, soffice: str,
                                               tmp_path_factory: pytest.TempPathFactory
                                               ) -> None:
    profile = tmp_path_factory.mktemp("lo-open")
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         str(book)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    lock = book.with_name(".~lock.sample_portfolio.xlsx#")
    try:
        deadline = time.monotonic() + 90
        while not lock.exists() and time.monotonic() < deadline and office.poll() is None:
            time.sleep(0.2)
        assert lock.exists(), "LibreOffice did not open the workbook"
        before = book.read_bytes()
        message = _refused(_score(str(book), "--in-place"))
        assert message.startswith("sample_portfolio.xlsx is open in LibreOffice, by ")
        assert book.read_bytes() == before
        assert not book.with_name("sample_portfolio.bak.xlsx").exists()
    finally:
        os.killpg(office.pid, signal.SIGTERM)
        office.wait(timeout=30)


def test_a_replace_the_system_refuses_is_one_line(book: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "scored.xlsx"
    assert _score(str(book), "-o", str(output)).exit_code == 0
    before = _snapshot(tmp_path)

    def locked(source: object, target: object) -> None:
        # What Windows answers when Excel holds the file open.
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr("decider.files.os.replace", locked)
    message = _refused(_score(str(book), "-o", str(output)))
    assert message == ("scored.xlsx could not be replaced (Permission denied): it is open in "
                       "another program (Excel?) or read-only; close it and run again "
                       "(scored.xlsx is unchanged)")
    assert _snapshot(tmp_path) == before  # the temporary file is gone too


def test_replaced_whole_checks_before_writing(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    (tmp_path / "~$book.xlsx").write_bytes(b"")
    with pytest.raises(DeciderInputError, match=r"book\.xlsx is open in Excel"), \
            replaced_whole(target) as temporary:
        temporary.write_bytes(b"new")  # pragma: no cover - never reached
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "~$book.xlsx"]
