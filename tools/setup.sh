#!/usr/bin/env bash
# Create or refresh the development virtualenv in .venv (called by `make setup`).
#   - creates .venv with `python3 -m venv` if it is missing;
#   - installs requirements.txt with pip, only when the file changed since the last install;
#   - puts the repository root and gen/ on the venv's import path (kabinet.pth);
#   - generates the protobuf/gRPC code into gen/.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
PY=$VENV/bin/python

if [ ! -x "$PY" ]; then
    echo "setup: creating $VENV with $($PYTHON --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        echo "setup: '$PYTHON -m venv' failed; on Debian/Ubuntu install the python3-venv package" >&2
        exit 1
    fi
fi

stamp=$VENV/.requirements.sha256
want=$("$PY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' requirements.txt)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing requirements.txt"
    "$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" > "$stamp"
fi

site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n%s\n' "$PWD" "$PWD/gen" > "$site/kabinet.pth"

"$PY" -m tools.protogen

# The browser tests drive Debian's Chromium (browsers cannot be downloaded here): install it when missing.
if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "setup: installing Debian's chromium for the browser tests"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
    else
        echo "setup: chromium is missing (sudo apt-get install chromium): the browser tests will be skipped" >&2
    fi
fi
