"""`decider excel install`: hook =ORCH_ARCH and its companions into Excel.

On Windows with Excel it runs `xlwings addin install` and adds `decider.udfs` to
"UDF MODULES" in the user's xlwings.conf. Elsewhere (the classic add-in's functions are
Windows-only; on a Mac, use xlwings Lite or Server) it says what it would do and changes
nothing. xlwings Server and Lite need no install: see the README.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import click

from decider.files import replaced_whole

UDF_MODULE = "decider.udfs"
CONF_KEY = "UDF MODULES"
_ENTRY = re.compile(r'"([^"]*)"')


@click.group("excel")
def excel_group() -> None:
    """Use decider's functions (=ORCH_ARCH, =ORCH_INDEX, =ORCH_EXPLAIN, =ORCH_CHANGES) in Excel."""


@excel_group.command("install")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option("--conf", "conf", type=click.Path(dir_okay=False, path_type=Path),
              help="xlwings.conf to edit. Default: the user's, where xlwings reads it.")
def install_command(dry_run: bool, conf: Path | None) -> None:
    """Install the xlwings add-in and register decider's functions with it.

    Then, in Excel: xlwings tab, Import Functions (once per workbook; Excel must trust
    access to the VBA project object model). Needs `pip install "decider[excel]"`.
    """
    conf = conf or _user_conf()
    plan = [
        f"run `{' '.join(_addin_install_command())}` (xlwings' own installer: copies "
        "xlwings.xlam to Excel's start-up folder)",
        f'add {UDF_MODULE} to "{CONF_KEY}" in {conf}',
    ]
    excel = _excel_found()
    if dry_run or excel is None:
        reason = "--dry-run" if dry_run else (
            "no desktop Excel for Windows on this machine: the classic add-in's functions "
            f"need it ({sys.platform})")
        click.echo(f"{reason}: nothing changed. With Excel, `decider excel install` would:")
        for number, step in enumerate(plan, start=1):
            click.echo(f"  {number}. {step}")
        click.echo("On a Mac, Excel on the web, or without the classic add-in: use xlwings "
                   "Lite or xlwings Server (see the README).")
        return
    click.echo(f"Excel found: {excel}")
    _run_addin_install()
    had_key = conf.exists() and _has_udf_modules(_read_conf(conf))
    changed = add_udf_module(conf)
    click.echo(f'{"Added" if changed else "Already there:"} {UDF_MODULE} in "{CONF_KEY}" '
               f"of {conf}")
    if changed and not had_key:
        click.echo(f'Note: {conf} had no "{CONF_KEY}" line, so xlwings imported each '
                   "workbook's own Python module; now it imports the modules listed there: "
                   "add your other projects' modules to that line, separated by ';'.",
                   err=True)
    warning = interpreter_warning(_read_conf(conf), sys.executable)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    click.echo("Next, in Excel: xlwings tab > Import Functions, then type "
               "=ORCH_ARCH(size, maturity, regulation, budget) in a cell.")


def _user_conf() -> Path:
    try:
        import xlwings
    except ImportError:
        raise click.ClickException(
            'xlwings is not installed: pip install "decider[excel]"') from None
    return Path(xlwings.USER_CONFIG_FILE)


def _addin_install_command() -> list[str]:
    return [sys.executable, "-m", "xlwings.cli", "addin", "install"]


def _excel_found() -> str | None:
    """Where Excel is, or None: the classic add-in's functions need desktop Excel on
    Windows."""
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CurVer") as key:
                return str(winreg.QueryValue(key, None))
        except OSError:
            return None
    return None


def _run_addin_install() -> None:
    completed = subprocess.run(_addin_install_command(), capture_output=True, text=True,
                               check=False)
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        raise click.ClickException(
            "xlwings addin install failed: " + (lines[-1] if lines else
                                                f"exit status {completed.returncode}"))
    if completed.stdout.strip():
        click.echo(completed.stdout.strip())


def add_udf_module(conf: Path, module: str = UDF_MODULE) -> bool:
    """Add `module` to "UDF MODULES" in the xlwings.conf at `conf` (created if missing);
    every other line stays as it was. The file is replaced whole, never half-written.
    Returns False when the module was already there."""
    text = _read_conf(conf) if conf.exists() else ""
    updated = with_udf_module(text, module)
    if updated == text and conf.exists():
        return False
    conf.parent.mkdir(parents=True, exist_ok=True)
    # Bytes that are not UTF-8 (xlwings writes the file in the system's code page,
    # cp1252 on Windows) go back exactly as they were.
    with replaced_whole(conf) as temporary:
        temporary.write_bytes(updated.encode("utf-8", "surrogateescape"))
    return True


def _read_conf(conf: Path) -> str:
    return conf.read_bytes().decode("utf-8", "surrogateescape")


def _has_udf_modules(text: str) -> bool:
    return any((entry := _ENTRY.findall(line)) and entry[0].strip().upper() == CONF_KEY
               for line in text.splitlines())


def with_udf_module(text: str, module: str = UDF_MODULE) -> str:
    """The text of an xlwings.conf (lines `"KEY","VALUE"`; xlwings matches keys in any
    case) with `module` in the ';'-separated "UDF MODULES"."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    for position, line in enumerate(lines):
        entry = _ENTRY.findall(line)
        if entry and entry[0].strip().upper() == CONF_KEY:
            modules = [m.strip() for m in (entry[1] if len(entry) > 1 else "").split(";")
                       if m.strip()]
            if module in modules:
                return text
            ending = line[len(line.rstrip("\r\n")):] or newline
            lines[position] = f'"{CONF_KEY}","{";".join([*modules, module])}"{ending}'
            return "".join(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    return "".join(lines) + f'"{CONF_KEY}","{module}"{newline}'


def interpreter_warning(text: str, python: str) -> str | None:
    """A warning when xlwings.conf makes Excel run another Python than the one decider is
    installed in: the functions would not be found there."""
    for line in text.splitlines():
        entry = _ENTRY.findall(line)
        if len(entry) > 1 and entry[0].strip().upper() in ("INTERPRETER_WIN", "INTERPRETER_MAC"):
            configured = entry[1].strip()
            # python.exe and pythonw.exe of one installation are the same environment.
            if configured and _folder(configured) != _folder(python):
                return (f"Excel runs {configured} ({entry[0]} in xlwings.conf) but decider is "
                        f"installed for {python}: install decider there, or set {entry[0]} "
                        "to this Python")
    return None


def _folder(executable: str) -> PurePath:
    path = PureWindowsPath(executable) if "\\" in executable else PurePosixPath(executable)
    return path.parent
