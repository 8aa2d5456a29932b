#!/bin/sh
# Install Debian packages that are missing, when that is possible (root, or password-less
# sudo, and apt-get present). Otherwise print the exact command to run and fail.
#
#   scripts/apt-install.sh PACKAGE...    installs those of PACKAGE... that are not installed
#
# `apt-get update` runs once per call, and only when something has to be installed.
set -eu

[ "$#" -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
missing=${missing# }
[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages: $missing" >&2
    echo "error: this is not a Debian/Ubuntu system (no apt-get); install their equivalents by hand." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "error: missing system packages: $missing" >&2
    echo "error: install them as root, then run this again:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
fi

echo "==> installing Debian packages: $missing" >&2
# shellcheck disable=SC2086  # word splitting of $as_root and $missing is intended
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
