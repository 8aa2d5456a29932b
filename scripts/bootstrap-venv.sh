#!/bin/sh
# Create the project's virtual environment with Python 3.11+ when it is missing (or was made
# with an older Python). Packages are installed by the Makefile afterwards.
#
#   scripts/bootstrap-venv.sh [VENV_DIR]      (default .venv)
set -eu
venv=${1:-.venv}

is_311_plus() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

if [ -x "$venv/bin/python" ] && is_311_plus "$venv/bin/python"; then
    exit 0
fi
if [ -e "$venv" ]; then
    echo "==> $venv is broken or uses a Python older than 3.11; recreating it" >&2
    rm -rf "$venv"
fi

python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_311_plus "$candidate"; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "error: Python 3.11 or newer is needed (Debian 12: apt-get install python3 python3-venv)." >&2
    exit 1
fi

echo "==> creating $venv with $(command -v "$python") ($("$python" --version 2>&1))" >&2
if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    # Debian splits venv/ensurepip into python3.X-venv.
    ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "==> '$python -m venv' failed (Debian keeps ensurepip in python$ver-venv)" >&2
    "$(dirname "$0")/apt-install.sh" "python$ver-venv"
    "$python" -m venv "$venv"
fi
