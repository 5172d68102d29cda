"""Every xlwings runtime, through xlwings' own code.

xlwings chooses its decorators when it is imported: the Office.js ones (xlwings Server and
Lite) under XLWINGS_ON_SERVER=true, the classic add-in's (`xlwings.udfs`) on Windows with
pywin32. Each test imports xlwings and decider.udfs afresh in that setting and puts the
process's modules back afterwards.
"""

from __future__ import annotations

import asyncio
import io
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

import decider
from decider import DeciderInputError, recommend
from decider.changes import changes_text

NAMES = ["ORCH_ARCH", "ORCH_CHANGES", "ORCH_EXPLAIN", "ORCH_INDEX"]
PARAMETERS = ["size", "maturity", "regulation", "budget", "multi_country", "policy"]


@pytest.fixture
def fresh_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget xlwings and decider.udfs for one test; restore every module afterwards."""
    saved = dict(sys.modules)
    saved_udfs = getattr(decider, "udfs", None)
    for name in list(sys.modules):
        if name == "xlwings" or name.startswith("xlwings.") or name == "decider.udfs":
            del sys.modules[name]
    monkeypatch.delenv("DECIDER_POLICY", raising=False)
    yield
    for name in list(sys.modules):
        if name not in saved:
            del sys.modules[name]
    sys.modules.update(saved)
    if saved_udfs is not None:
        decider.udfs = saved_udfs  # type: ignore[attr-defined]
    elif hasattr(decider, "udfs"):
        del decider.udfs


def expected(field: str, *values: Any) -> Any:
    try:
        result = recommend(*values)
    except DeciderInputError as error:
        return error.one_line
    return {"ORCH_ARCH": result.architecture, "ORCH_INDEX": result.index,
            "ORCH_EXPLAIN": result.explanation, "ORCH_CHANGES": changes_text(result)}[field]


# --- xlwings Server and xlwings Lite (Office.js) ---------------------------------------


@pytest.fixture
def office_js(fresh_imports: None, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """decider.udfs as xlwings Server and Lite load it. The non-commercial licence key is
    xlwings' documented free mode, used here only to run its code in tests."""
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import decider.udfs as udfs

    return udfs


def call(udfs: types.ModuleType, name: str, *args: Any) -> Any:
    """What xlwings Server (and Lite) do with a custom-function request from Excel."""
    import xlwings
    from xlwings.server import custom_functions_call

    data = {"func_name": name, "args": list(args), "version": xlwings.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "caller_address": "Units!G2"}
    return asyncio.run(custom_functions_call(data, udfs))


def test_office_js_registration(office_js: types.ModuleType) -> None:
    from xlwings.server import custom_functions_meta

    meta = custom_functions_meta(office_js)
    functions = {f["name"]: f for f in meta["functions"]}
    assert sorted(functions) == NAMES
    for name, function in functions.items():
        assert function["id"] == name
        assert [p["name"] for p in function["parameters"]] == PARAMETERS
        assert [p.get("optional", False) for p in function["parameters"]] == [
            False, False, False, False, True, True]
        assert all(p["dimensionality"] == "matrix" for p in function["parameters"])
        descriptions = [p["description"] for p in function["parameters"]]
        assert all(d and not d.startswith("Positional argument") for d in descriptions)
        assert "\n" not in function["description"]
    assert functions["ORCH_ARCH"]["description"].startswith(
        "AI-orchestration architecture for a business unit")
    assert "0 (Decentralized) to 100" in functions["ORCH_INDEX"]["description"]
    size_doc = functions["ORCH_ARCH"]["parameters"][0]["description"]
    assert "4.2k" in size_doc and "<100" in size_doc


@pytest.mark.parametrize("name", NAMES)
def test_office_js_one_cell(office_js: types.ModuleType, name: str) -> None:
    # Excel sends every argument as a 2-D list; whole numbers arrive as int.
    answer = call(office_js, name, [[300]], [["Scale-up"]], [["Medium"]], [["2,5 M€"]],
                  None, None)
    assert answer == [[expected(name, 300, "Scale-up", "Medium", "2,5 M€")]]
    # An empty cell arrives as "" or as null, an omitted optional argument as null.
    for blank in ("", None):
        answer = call(office_js, name, [[40.5]], [[blank]], [["Light"]], [[800000]],
                      [[blank]], [[blank]])
        assert answer == [[expected(name, 40.5, None, "Light", 800000)]]


def test_office_js_a_bad_value_is_value_error_with_the_message(
        office_js: types.ModuleType) -> None:
    import xlwings

    with pytest.raises(xlwings.XlwingsError) as raised:
        call(office_js, "ORCH_ARCH", [["lots"]], [["POC"]], [["Light"]], [[None]], None,
             None)
    assert str(raised.value) == expected("ORCH_ARCH", "lots", "POC", "Light", None)


@pytest.mark.parametrize("name", NAMES)
def test_office_js_a_column_spills(office_js: types.ModuleType, name: str) -> None:
    sizes = [[300], [40.5], ["lots"], [""], [None], [2000]]
    maturities = [["Scale-up"], [None], ["POC"], [""], [None], [24]]
    answer = call(office_js, name, sizes, maturities, [["Medium"]], [[""]],
                  [[True], [None], [False], [""], [None], [2]], None)
    rows = [(300, "Scale-up", True), (40.5, None, None), ("lots", "POC", False),
            None, None, (2000, 24, 2)]
    assert answer == [["" if row is None else
                       expected(name, row[0], row[1], "Medium", None, row[2])]
                      for row in rows]


def test_office_js_a_row_spills_as_a_row(office_js: types.ModuleType) -> None:
    answer = call(office_js, "ORCH_ARCH", [[40, 300, 2000]], [["POC", "Scale-up", "Mature"]],
                  [["Light"]], None, None, None)
    assert answer == [[expected("ORCH_ARCH", size, maturity, "Light")
                       for size, maturity in [(40, "POC"), (300, "Scale-up"), (2000, "Mature")]]]
    assert answer == [["Decentralized", "Hybrid", "Hybrid"]]


def test_office_js_cell_errors_are_refused(office_js: types.ModuleType) -> None:
    error = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    answer = call(office_js, "ORCH_ARCH", [[300], [error]], [["POC"], ["POC"]], [["Light"]],
                  None, None, None)
    assert answer[0] == [expected("ORCH_ARCH", 300, "POC", "Light")]
    assert answer[1][0] == "size holds the Excel error #N/A: correct or clear that cell"
    import xlwings

    with pytest.raises(xlwings.XlwingsError, match=r"^size holds the Excel error #N/A"):
        call(office_js, "ORCH_ARCH", [[error]], [["POC"]], [["Light"]], None, None, None)


def test_office_js_data_types_are_read_by_their_basic_value(
        office_js: types.ModuleType) -> None:
    # A number formatted in the cell arrives as a FormattedNumber data type.
    formatted = {"type": "FormattedNumber", "basicValue": 2500000, "numberFormat": "#,##0 €"}
    answer = call(office_js, "ORCH_ARCH", [[300], [40]], [["Scale-up"], ["POC"]],
                  [["Medium"]], [[formatted], [formatted]], None, None)
    assert answer == [[expected("ORCH_ARCH", size, maturity, "Medium", 2500000)]
                      for size, maturity in [(300, "Scale-up"), (40, "POC")]]
    assert call(office_js, "ORCH_INDEX", [[300]], [["Scale-up"]], [["Medium"]], [[formatted]],
                None, None) == [[expected("ORCH_INDEX", 300, "Scale-up", "Medium", 2500000)]]


def test_office_js_policy_argument(office_js: types.ModuleType, tmp_path: Any) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("[[budget.ranges]]\nbelow = 3000000\nvote = 50\n"
                    "[[budget.ranges]]\nvote = 100\n", "utf-8")
    default = call(office_js, "ORCH_INDEX", [[300]], [["Mature"]], [["Medium"]], [["4M"]],
                   None, None)
    own = call(office_js, "ORCH_INDEX", [[300]], [["Mature"]], [["Medium"]], [["4M"]],
               None, [[str(path)]])
    assert (default, own) == ([[62.5]], [[75.0]])


# --- the classic Windows add-in (xlwings.udfs, VBA wrappers) ---------------------------


class _ComError(Exception):
    pass


@pytest.fixture
def classic(fresh_imports: None, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """decider.udfs as the classic add-in imports it on Windows. pywin32 does not exist
    here: its modules are stubbed while `xlwings.udfs` is imported (it only needs their
    names at import time), then xlwings' decorators are chosen as its __init__ does on
    Windows with pywin32."""
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    stubs = {name: types.ModuleType(name)
             for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    stubs["pywintypes"].com_error = _ComError  # type: ignore[attr-defined]
    stubs["win32com.client"].Dispatch = lambda *args: None  # type: ignore[attr-defined]
    stubs["win32com"].client = stubs["win32com.client"]  # type: ignore[attr-defined]
    with monkeypatch.context() as only_at_import:
        for name, module in stubs.items():
            only_at_import.setitem(sys.modules, name, module)
        import xlwings
        import xlwings.udfs as classic_udfs
    monkeypatch.setattr(xlwings, "func", classic_udfs.xlfunc)
    monkeypatch.setattr(xlwings, "arg", classic_udfs.xlarg)
    monkeypatch.setattr(xlwings, "ret", classic_udfs.xlret)
    import decider.udfs as udfs

    return udfs


class _AddinWorkbook:
    """The one property of Excel's Workbook object that generate_vba_wrapper reads."""

    Name = "decider.xlam"


def test_classic_vba_wrappers(classic: types.ModuleType) -> None:
    from xlwings.udfs import generate_vba_wrapper

    written = io.StringIO()
    generate_vba_wrapper("decider.udfs", classic, written, _AddinWorkbook())
    vba = written.getvalue()
    for name in NAMES:
        assert (f"Function {name}(size, maturity, regulation, budget, Optional "
                "multi_country, Optional policy)") in vba
        assert (f'{name} = XLPy.CallUDF("decider.udfs", "{name}", Array(size, maturity, '
                "regulation, budget, multi_country, policy), ActiveWorkbook, "
                "Application.Caller)") in vba
        assert f"{name} = Err.Description" in vba
    assert vba.count("End Function") == len(NAMES)


def test_classic_function_wizard_metadata(classic: types.ModuleType) -> None:
    for name in NAMES:
        info = getattr(classic, name).__xlfunc__
        assert info["name"] == name and info["category"] == "xlwings"
        assert [a["name"] for a in info["args"]] == PARAMETERS
        # What import_udfs hands to Application.MacroOptions: 255 characters at most.
        assert 20 < len(info["ret"]["doc"]) <= 255 and "\n" not in info["ret"]["doc"]
        for arg in info["args"]:
            assert 20 < len(arg["doc"]) <= 255
        for arg in info["args"][:5]:
            assert arg["options"]["ndim"] == 2 and arg["options"]["err_to_str"] is True
        assert info["args"][4]["optional"] is None and info["args"][5]["optional"] is None


def _classic_call(udfs: types.ModuleType, name: str, *args: Any) -> Any:
    """call_udf's argument handling for what the VBA wrapper passes: a missing optional
    argument (the COM value -2147352572) becomes the Python default. A range arrives as
    xlwings reads it from Excel with ndim=2: rows of cells, numbers as float, empty
    cells as None, errors as text ("#N/A")."""
    function = getattr(udfs, name)
    infos = function.__xlfunc__["args"]
    converted = [infos[i].get("optional") if arg == -2147352572 else arg
                 for i, arg in enumerate(args)]
    return function(*converted)


@pytest.mark.parametrize("name", NAMES)
def test_classic_cells_and_ranges(classic: types.ModuleType, name: str) -> None:
    missing = -2147352572
    assert _classic_call(classic, name, [[300.0]], [["Scale-up"]], [["Medium"]],
                         [["2,5 M€"]], missing, missing) == expected(
        name, 300, "Scale-up", "Medium", "2,5 M€")
    # The classic add-in writes a message into the cell: no exception, no traceback.
    assert _classic_call(classic, name, [["lots"]], [["POC"]], [[None]], [[1e6]],
                         missing, missing) == expected(name, "lots", "POC", None, 1e6)
    answer = _classic_call(classic, name, [[300.0], [40.0], [None], ["#N/A"]],
                           [["Scale-up"], ["POC"], [None], ["POC"]], [["Medium"]], [[None]],
                           [[True], [False], [None], [None]], missing)
    assert answer == [[expected(name, 300.0, "Scale-up", "Medium", None, True)],
                      [expected(name, 40.0, "POC", "Medium", None, False)],
                      [""],
                      [expected(name, "#N/A", "POC", "Medium", None, None)]]
