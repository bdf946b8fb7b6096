#!/bin/sh
# Create the project venv. Debian's python3 ships venv/ensurepip separately
# (python3-venv); install it when we are root and it is missing.
set -e
PY="$1"; VENV="$2"
[ -x "$VENV/bin/python" ] && exit 0
if ! "$PY" -c "import ensurepip, venv" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    else
        echo "python venv support is missing: install python3-venv (Debian/Ubuntu)" >&2
        exit 1
    fi
fi
"$PY" -m venv "$VENV"
