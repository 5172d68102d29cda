"""decider's Excel functions through xlwings' Office.js call path (what xlwings Lite and
xlwings Server run for a custom function), in whichever Python runs this file: Pyodide
(driven by run_pyodide.mjs) or CPython. Prints one JSON line: the functions registered,
each call's answer (or its refusal: Excel's #VALUE! with the message), and the runtime.

In Pyodide the wheels in /wheels (decider's, xlwings' Pyodide build) are unpacked into
site-packages first: offline, nothing else is installed; numpy and pandas are absent.
"""

import importlib
import json
import os
import sys

CALLS = [
    # single cells, as Excel sends them: 2-D lists, whole numbers as int, "" for empty
    ("ORCH_ARCH", [[[300]], [["Scale-up"]], [["Medium"]], [["2,5 M€"]], None, None]),
    ("ORCH_INDEX", [[[40.5]], [[""]], [["Light"]], [[800000]], [[""]], None]),
    ("ORCH_EXPLAIN", [[["4.2k"]], [["Mature"]], [["Finance"]], [["€6m"]], [[True]], None]),
    ("ORCH_EXPLAIN", [[[120]], [[9]], [["pharma research"]], [["800k"]], [["no"]], None]),
    # refusals: a value that cannot be read, an Excel error, too little known
    ("ORCH_ARCH", [[["lots"]], [["POC"]], [["Light"]], [[""]], None, None]),
    ("ORCH_ARCH", [[[{"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}]],
                   [["POC"]], [["Light"]], None, None, None]),
    ("ORCH_INDEX", [[[60]], [[""]], [[""]], [[""]], None, None]),
    # ranges that spill: a column (with a bad value and blank rows), a row
    ("ORCH_ARCH", [[[300], [40.5], ["lots"], [""], [""], [2000]],
                   [["Scale-up"], [""], ["POC"], [""], [""], [24]], [["Medium"]], [[""]],
                   [[True], [""], [False], [""], [""], [2]], None]),
    ("ORCH_INDEX", [[[40, 300, 2000]], [["POC", "Scale-up", "Mature"]], [["Light"]], None,
                    None, None]),
    ("ORCH_EXPLAIN", [[[300], ["5k+"], [75.0]], [["Scale-up"], ["Enterprise"], ["18m"]],
                      [["Medium"], ["Public sector"], ["Pure tech"]], [["2,5 M€"]],
                      [[""], ["yes"], [3]], None]),
    # ranges of different heights: refused in one line
    ("ORCH_ARCH", [[[300], [40]], [["POC"], ["POC"], ["POC"]], [["Light"]], None, None,
                   None]),
    # what would change the answer: a single cell, then a spilled column
    ("ORCH_CHANGES", [[[460]], [[17]], [["Medium"]], [["4.6M"]], None, None]),
    ("ORCH_CHANGES", [[[460], [4200], ["lots"]], [["Scale-up"], [17], ["POC"]], [["Medium"]],
                      [["4.6M"], ["1.9M"], [""]], None, None]),
]


def _install_wheels() -> None:
    import sysconfig
    import zipfile

    site = sysconfig.get_paths()["purelib"]
    for name in sorted(os.listdir("/wheels")):
        with zipfile.ZipFile(f"/wheels/{name}") as wheel:
            wheel.extractall(site)
    importlib.invalidate_caches()


async def main() -> None:
    os.environ["XLWINGS_ON_SERVER"] = "true"
    # xlwings' documented free mode, used here only to run its code in a test.
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    os.environ.pop("DECIDER_POLICY", None)
    if sys.platform == "emscripten":
        _install_wheels()
    import xlwings
    from xlwings.server import custom_functions_call, custom_functions_meta

    import decider.udfs as udfs

    answers = []
    for name, args in CALLS:
        data = {"func_name": name, "args": args, "version": xlwings.__version__,
                "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
                "date_format": "M/d/yyyy", "caller_address": "Units!G2"}
        try:
            answers.append(await custom_functions_call(data, udfs))
        except xlwings.XlwingsError as error:  # Excel shows #VALUE! with the message
            answers.append({"refused": str(error)})
    meta = custom_functions_meta(udfs)
    print(json.dumps({
        "platform": sys.platform,
        "python": sys.version.split()[0],
        "xlwings": xlwings.__version__,
        "functions": sorted(f["name"] for f in meta["functions"]),
        "answers": answers,
        "numpy or pandas": sorted(m for m in sys.modules
                                  if m.partition(".")[0] in ("numpy", "pandas")),
    }, ensure_ascii=False))


if __name__ == "__main__" and sys.platform != "emscripten":  # Pyodide awaits main()
    import asyncio

    asyncio.run(main())
