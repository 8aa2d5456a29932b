#!/bin/sh
# A throwaway ClamAV daemon for tests: Debian's clamd with a generated config and a one-line
# signature database that matches the EICAR test file. No internet, no freshclam, and nothing
# of the system's clamav-daemon service (its config, socket and database are not used).
#
#   scripts/clamd-test.sh start [DIR]   start clamd in DIR (default .services/clamd), wait for PONG,
#                                       print CLAMD_SOCKET=DIR/clamd.sock
#   scripts/clamd-test.sh stop [DIR]    stop the clamd started in DIR
#
# Each pytest-xdist worker uses its own DIR (its own socket): tests/uploads/conftest.py.
set -eu

action=${1:-}
dir=${2:-${CLAMD_TEST_DIR:-.services/clamd}}
install_hint="clamd is not installed: run 'sudo apt-get install clamav-daemon' (or 'make system-deps')"

clamd_bin() {
    if [ -x /usr/sbin/clamd ]; then echo /usr/sbin/clamd; return; fi
    command -v clamd 2>/dev/null || true
}

ping_clamd() {
    # clamdscan speaks the same protocol and reads the socket from our config.
    clamdscan --config-file="$dir/clamd.conf" --ping 1 >/dev/null 2>&1
}

case "$action" in
start)
    bin=$(clamd_bin)
    [ -n "$bin" ] || { echo "error: $install_hint" >&2; exit 1; }
    command -v clamdscan >/dev/null 2>&1 || { echo "error: clamdscan missing: run 'sudo apt-get install clamav-daemon clamdscan' (or make system-deps)" >&2; exit 1; }
    mkdir -p "$dir/db"
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/clamd.pid" ] && kill -0 "$(cat "$dir/clamd.pid")" 2>/dev/null && ping_clamd; then
        echo "CLAMD_SOCKET=$dir/clamd.sock"
        exit 0
    fi
    # The EICAR test string, as a body signature (.ndb: name:target:offset:hex). Written as hex
    # so no file here trips a virus scanner.
    printf '%s\n' 'Eicar-Test-Signature:0:*:58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e544956495255532d544553542d46494c452124482b482a' \
        >"$dir/db/eicar-test.ndb"
    cat >"$dir/clamd.conf" <<EOF
LocalSocket $dir/clamd.sock
LocalSocketMode 600
DatabaseDirectory $dir/db
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
TemporaryDirectory $dir
Foreground no
SelfCheck 0
# Large enough for the biggest upload the policies accept (UPLOAD_DOCUMENT_MAX_MB).
StreamMaxLength 600M
MaxScanSize 600M
MaxFileSize 600M
EOF
    rm -f "$dir/clamd.sock" "$dir/clamd.pid"
    "$bin" --config-file="$dir/clamd.conf" || { echo "error: clamd did not start (see $dir/clamd.log)" >&2; exit 1; }
    tries=0
    until ping_clamd; do
        tries=$((tries + 1))
        if [ "$tries" -ge 300 ]; then
            echo "error: clamd did not answer PING within 30 s (see $dir/clamd.log)" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "CLAMD_SOCKET=$dir/clamd.sock"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/clamd.pid" ]; then
        pid=$(cat "$dir/clamd.pid")
        if kill "$pid" 2>/dev/null; then
            tries=0
            while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do
                tries=$((tries + 1))
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/clamd.pid"
    fi
    rm -f "$dir/clamd.sock"
    ;;
*)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
