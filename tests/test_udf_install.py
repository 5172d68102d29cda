"""`decider excel install`: what it does to xlwings.conf, and that it changes nothing
where there is no Excel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from decider.cli import cli
from decider.cli.excel_cmd import add_udf_module, interpreter_warning, with_udf_module


@pytest.mark.skipif(sys.platform == "win32", reason="this machine may have Excel")
def test_without_excel_it_says_what_it_would_do_and_changes_nothing(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings" / "xlwings.conf"
    result = CliRunner().invoke(cli, ["excel", "install", "--conf", str(conf)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("no desktop Excel for Windows on this machine: the "
                                    "classic add-in's functions need it "
                                    f"({sys.platform}): nothing changed.")
    assert "-m xlwings.cli addin install" in result.output
    assert f'add decider.udfs to "UDF MODULES" in {conf}' in result.output
    assert not (tmp_path / "xlwings").exists()


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"INTERPRETER_WIN","C:\\Python311\\python.exe"\n', "utf-8")
    before = conf.read_bytes()
    result = CliRunner().invoke(cli, ["excel", "install", "--dry-run", "--conf", str(conf)])
    assert result.exit_code == 0 and result.output.startswith("--dry-run: nothing changed.")
    assert conf.read_bytes() == before and sorted(tmp_path.iterdir()) == [conf]


def test_the_default_conf_is_where_xlwings_reads_it() -> None:
    import xlwings

    result = CliRunner().invoke(cli, ["excel", "install", "--dry-run"])
    assert f'"UDF MODULES" in {xlwings.USER_CONFIG_FILE}' in result.output


def test_a_new_conf_gets_the_one_line(tmp_path: Path) -> None:
    conf = tmp_path / "new" / "xlwings.conf"
    assert add_udf_module(conf) is True
    assert conf.read_text("utf-8") == '"UDF MODULES","decider.udfs"\n'
    assert add_udf_module(conf) is False
    assert sorted(p.name for p in conf.parent.iterdir()) == ["xlwings.conf"]


def test_other_settings_and_modules_are_kept(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    original = ('"INTERPRETER_WIN","C:\\Python311\\python.exe"\r\n'
                '"Udf Modules","my_udfs;other"\r\n'
                '"LICENSE_KEY","abc"\r\n')
    conf.write_bytes(original.encode("utf-8"))
    assert add_udf_module(conf) is True
    assert conf.read_bytes().decode("utf-8") == (
        '"INTERPRETER_WIN","C:\\Python311\\python.exe"\r\n'
        '"UDF MODULES","my_udfs;other;decider.udfs"\r\n'
        '"LICENSE_KEY","abc"\r\n')
    assert add_udf_module(conf) is False


def test_with_udf_module_reads_the_file_as_xlwings_does() -> None:
    assert with_udf_module('"UDF MODULES","decider.udfs;x"\n') == '"UDF MODULES","decider.udfs;x"\n'
    assert with_udf_module('"UDF MODULES",""\n') == '"UDF MODULES","decider.udfs"\n'
    assert with_udf_module('"UDF MODULES","a;"') == '"UDF MODULES","a;decider.udfs"\n'
    assert with_udf_module('"CONDA ENV","base"') == (
        '"CONDA ENV","base"\n"UDF MODULES","decider.udfs"\n')


def test_another_python_configured_for_excel_is_named() -> None:
    text = '"INTERPRETER_WIN","C:\\Python39\\pythonw.exe"\n"UDF MODULES","decider.udfs"\n'
    warning = interpreter_warning(text, "C:\\Python311\\python.exe")
    assert warning is not None and warning.startswith(
        "Excel runs C:\\Python39\\pythonw.exe (INTERPRETER_WIN in xlwings.conf) but decider "
        "is installed for C:\\Python311\\python.exe")
    assert interpreter_warning(text.replace("Python39\\pythonw", "Python311\\python"),
                               "C:\\Python311\\python.exe") is None
    assert interpreter_warning(text.replace("Python39", "Python311"),
                               "C:\\Python311\\python.exe") is None
    assert interpreter_warning('"UDF MODULES","decider.udfs"\n', sys.executable) is None


def test_a_conf_in_the_windows_code_page_keeps_its_bytes_and_mode(tmp_path: Path) -> None:
    # xlwings writes xlwings.conf in the system's code page: cp1252 on Windows.
    conf = tmp_path / "xlwings.conf"
    original = '"INTERPRETER_WIN","C:\\Users\\José\\python.exe"\r\n'.encode("cp1252")
    conf.write_bytes(original)
    conf.chmod(0o640)
    assert add_udf_module(conf) is True
    assert conf.read_bytes() == original + b'"UDF MODULES","decider.udfs"\r\n'
    assert conf.stat().st_mode & 0o777 == 0o640
