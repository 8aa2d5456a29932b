#!/usr/bin/env bash
# PostgreSQL and Redis for the test suite: reuse what is there, start throwaway ones if not.
#
#   eval "$(scripts/test-services.sh up)"   prints `export DATABASE_URL=…` and `export REDIS_URL=…`
#   scripts/test-services.sh down           stops only what `up` started (recorded in the state file)
#   scripts/test-services.sh status         shows the state file
#   scripts/test-services.sh prune          runs `down` for state files .services/state.<pid>
#                                           whose process <pid> is gone (a run killed hard)
#
# `eval "$(…)"` hides a failure of `up` (eval of empty text succeeds), so callers that must
# stop on failure capture first:  exports=$(scripts/test-services.sh up) || exit 1; eval "$exports"
#
# For each service, in order:
#   PostgreSQL  1. DATABASE_URL if set.
#               2. A server answering on 127.0.0.1:5432 that lets user `postgres` in without a
#                  password and may create databases: postgres://postgres@127.0.0.1:5432/lms_r<pid>
#                  (pytest-django creates and drops test_lms_r<pid> itself through the `postgres`
#                  db). The name is unique per run because a shared server may be running other
#                  test runs at the same time: with one fixed name, one run's set-up drops the
#                  other's test database. `down` drops that run's test databases if a crashed
#                  run left them behind.
#               3. A throwaway cluster: initdb in a temporary directory, trust auth, listening on
#                  127.0.0.1 only, on a free port; Debian's `postgresql` is installed if missing.
#   Redis       1. REDIS_URL if set.
#               2. A server answering PING on 127.0.0.1:6379: redis://127.0.0.1:6379/0.
#               3. A throwaway redis-server on a free port, no persistence; Debian's
#                  `redis-server` is installed if missing.
# Messages go to stderr; only export lines go to stdout.
#
# Environment overrides:
#   LMS_PG_PROBE_HOST / LMS_PG_PROBE_PORT        where to look for a running PostgreSQL (127.0.0.1:5432)
#   LMS_REDIS_PROBE_HOST / LMS_REDIS_PROBE_PORT  where to look for a running Redis (127.0.0.1:6379)
#       Point a probe at a port where nothing listens to exercise the throwaway path.
#   LMS_TEST_DB_NAME          base database name (default: lms_r<pid> on a reused server, lms on a
#                             throwaway one; pytest-django's test database is test_<name>)
#   LMS_SERVICES_STATE        state file (default <repo>/.services/state). Concurrent runs in one
#                             checkout need one each: `make test` uses .services/state.<its shell pid>.
#   LMS_SERVICES_TMP          parent directory of throwaway data directories (default $TMPDIR or /tmp)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${LMS_SERVICES_STATE:-$ROOT/.services/state}
PG_PROBE_HOST=${LMS_PG_PROBE_HOST:-127.0.0.1}
PG_PROBE_PORT=${LMS_PG_PROBE_PORT:-5432}
REDIS_PROBE_HOST=${LMS_REDIS_PROBE_HOST:-127.0.0.1}
REDIS_PROBE_PORT=${LMS_REDIS_PROBE_PORT:-6379}
DB_NAME=${LMS_TEST_DB_NAME:-}
TMP_PARENT=${LMS_SERVICES_TMP:-${TMPDIR:-/tmp}}

say() { printf 'test-services: %s\n' "$*" >&2; }
die() { printf 'test-services: error: %s\n' "$*" >&2; exit 1; }

# A Python to run small probes with: the project's venv (it has psycopg) or the system's.
probe_python() {
    if [ -x "$ROOT/.venv/bin/python" ]; then echo "$ROOT/.venv/bin/python"
    elif command -v python3 >/dev/null 2>&1; then command -v python3
    else die "python3 is needed to probe ports"
    fi
}

free_port() {
    "$(probe_python)" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

tcp_open() { # host port
    "$(probe_python)" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5).close()
except OSError:
    sys.exit(1)
PY
}

redis_pong() { # host port
    "$(probe_python)" - "$1" "$2" <<'PY'
import socket, sys
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

# 0: user postgres logs in without a password and may create databases; 1: it may not;
# 2: could not tell (no psql and no psycopg).
pg_login_ok() { # host port
    local url="postgresql://postgres@$1:$2/postgres" answer
    if command -v psql >/dev/null 2>&1; then
        answer=$(PGCONNECT_TIMEOUT=3 psql -w -X -A -t -d "$url" \
            -c "select rolcreatedb or rolsuper from pg_roles where rolname = current_user" 2>/dev/null) || return 1
        [ "$answer" = "t" ] && return 0 || return 1
    fi
    "$(probe_python)" - "$url" <<'PY' || return $?
import sys
try:
    import psycopg
except ImportError:
    sys.exit(2)
try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as conn:
        ok = conn.execute(
            "select rolcreatedb or rolsuper from pg_roles where rolname = current_user"
        ).fetchone()[0]
except psycopg.Error:
    sys.exit(1)
sys.exit(0 if ok else 1)
PY
}

record() { # KEY VALUE: append to the state file
    mkdir -p "$(dirname "$STATE")"
    printf "%s='%s'\n" "$1" "$2" >>"$STATE"
}

# --- PostgreSQL ---------------------------------------------------------------------------

pg_bindir() {
    local dir
    for dir in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

start_throwaway_postgres() {
    local bindir tmp port run_as=""
    if ! bindir=$(pg_bindir); then
        say "PostgreSQL server binaries (initdb, pg_ctl) not found; installing Debian's postgresql"
        "$ROOT/scripts/apt-install.sh" postgresql >&2 \
            || die "cannot install PostgreSQL; install it (apt-get install postgresql) or set DATABASE_URL"
        bindir=$(pg_bindir) || die "PostgreSQL was installed but initdb/pg_ctl are still not found"
    fi

    tmp=$(mktemp -d "$TMP_PARENT/lms-test-pg.XXXXXX")
    record PG_TMP "$tmp"
    if [ "$(id -u)" -eq 0 ]; then
        # PostgreSQL refuses to run as root: run it as the postgres system user.
        id postgres >/dev/null 2>&1 \
            || die "running as root, but there is no 'postgres' system user to run PostgreSQL as"
        chown postgres:postgres "$tmp"
        run_as=postgres
    fi
    record PG_RUN_AS "$run_as"
    record PG_BINDIR "$bindir"
    port=$(free_port)

    say "starting a throwaway PostgreSQL ($bindir) on 127.0.0.1:$port, data in $tmp"
    as_pg "$run_as" "$tmp" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C \
        >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb failed (log above)"; }
    mkdir -p "$tmp/socket"
    [ -z "$run_as" ] || chown "$run_as:$run_as" "$tmp/socket"
    # Durability is not wanted in a cluster that is deleted after the run: fsync off is faster.
    as_pg "$run_as" "$tmp" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { tail -n 30 "$tmp/postgres.log" >&2 || true; die "PostgreSQL did not start (log above)"; }
    record PG_STARTED 1
    DATABASE_URL="postgres://postgres@127.0.0.1:$port/${DB_NAME:-lms}"
}

as_pg() { # RUN_AS DIR COMMAND...: run COMMAND from DIR, as RUN_AS when set
    local run_as=$1 dir=$2
    shift 2
    if [ -n "$run_as" ]; then
        (cd "$dir" && runuser -u "$run_as" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

up_postgres() {
    if [ -n "${DATABASE_URL:-}" ]; then
        say "PostgreSQL: using DATABASE_URL from the environment"
        return 0
    fi
    if tcp_open "$PG_PROBE_HOST" "$PG_PROBE_PORT"; then
        local rc=0
        pg_login_ok "$PG_PROBE_HOST" "$PG_PROBE_PORT" || rc=$?
        local name=${DB_NAME:-lms_r$$}
        case $rc in
            0|2)
               DATABASE_URL="postgres://postgres@$PG_PROBE_HOST:$PG_PROBE_PORT/$name"
               if [ "$rc" -eq 0 ]; then
                   say "PostgreSQL: using the server already running on $PG_PROBE_HOST:$PG_PROBE_PORT (user postgres, test database test_$name)"
               else
                   say "PostgreSQL: something answers on $PG_PROBE_HOST:$PG_PROBE_PORT; using it (login not checked: no psql or psycopg; test database test_$name)"
               fi
               if [ -z "$DB_NAME" ]; then
                   record PG_SHARED_URL "postgresql://postgres@$PG_PROBE_HOST:$PG_PROBE_PORT/postgres"
                   record PG_RUN_DB "$name"
               fi
               return 0 ;;
            *) say "PostgreSQL: the server on $PG_PROBE_HOST:$PG_PROBE_PORT does not let user postgres in without a password (or it may not create databases); starting a throwaway one instead" ;;
        esac
    else
        say "PostgreSQL: nothing answers on $PG_PROBE_HOST:$PG_PROBE_PORT"
    fi
    start_throwaway_postgres
}

# --- Redis --------------------------------------------------------------------------------

start_throwaway_redis() {
    local tmp port i
    if ! command -v redis-server >/dev/null 2>&1; then
        say "redis-server not found; installing Debian's redis-server"
        "$ROOT/scripts/apt-install.sh" redis-server >&2 \
            || die "cannot install Redis; install it (apt-get install redis-server) or set REDIS_URL"
        command -v redis-server >/dev/null 2>&1 || die "redis-server was installed but is still not on PATH"
    fi
    tmp=$(mktemp -d "$TMP_PARENT/lms-test-redis.XXXXXX")
    record REDIS_TMP "$tmp"
    port=$(free_port)
    say "starting a throwaway Redis on 127.0.0.1:$port, files in $tmp"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
        --dir "$tmp" --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >&2 \
        || die "redis-server did not start"
    for i in $(seq 1 50); do
        redis_pong 127.0.0.1 "$port" && break
        [ "$i" -lt 50 ] || { tail -n 20 "$tmp/redis.log" >&2 || true; die "Redis on port $port does not answer PING"; }
        sleep 0.1
    done
    for i in $(seq 1 20); do [ -s "$tmp/redis.pid" ] && break; sleep 0.1; done
    record REDIS_PID "$(cat "$tmp/redis.pid")"
    record REDIS_STARTED 1
    REDIS_URL="redis://127.0.0.1:$port/0"
}

up_redis() {
    if [ -n "${REDIS_URL:-}" ]; then
        say "Redis: using REDIS_URL from the environment"
        return 0
    fi
    if redis_pong "$REDIS_PROBE_HOST" "$REDIS_PROBE_PORT"; then
        REDIS_URL="redis://$REDIS_PROBE_HOST:$REDIS_PROBE_PORT/0"
        say "Redis: using the server already running on $REDIS_PROBE_HOST:$REDIS_PROBE_PORT"
        return 0
    fi
    say "Redis: nothing answers PING on $REDIS_PROBE_HOST:$REDIS_PROBE_PORT"
    start_throwaway_redis
}

# --- commands -----------------------------------------------------------------------------

cmd_up() {
    if [ -s "$STATE" ]; then
        say "a previous run left services recorded in $STATE; stopping them first"
        cmd_down
    fi
    mkdir -p "$(dirname "$STATE")"
    : >"$STATE"
    # If anything below fails, stop what was already started: nothing is left running.
    trap 'rc=$?; if [ "$rc" -ne 0 ]; then cmd_down; fi' EXIT
    up_postgres
    up_redis
    printf "export DATABASE_URL='%s'\n" "$DATABASE_URL"
    printf "export REDIS_URL='%s'\n" "$REDIS_URL"
}

cmd_down() {
    if [ ! -s "$STATE" ]; then
        rm -f "$STATE"
        return 0
    fi
    # shellcheck disable=SC2034  # PG_STARTED/REDIS_STARTED are recorded for people reading the file
    local PG_TMP="" PG_RUN_AS="" PG_BINDIR="" PG_STARTED="" PG_SHARED_URL="" PG_RUN_DB=""
    # shellcheck disable=SC2034
    local REDIS_TMP="" REDIS_PID="" REDIS_STARTED="" i db
    # shellcheck disable=SC1090  # the state file is written by cmd_up above
    . "$STATE"
    if [ -n "$REDIS_PID" ]; then
        if kill -0 "$REDIS_PID" 2>/dev/null; then
            say "stopping the throwaway Redis (pid $REDIS_PID)"
            kill "$REDIS_PID" 2>/dev/null || true
            for i in $(seq 1 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
            if kill -0 "$REDIS_PID" 2>/dev/null; then kill -9 "$REDIS_PID" 2>/dev/null || true; fi
        fi
    elif [ -n "$REDIS_TMP" ] && [ -s "$REDIS_TMP/redis.pid" ]; then
        # Started but not yet recorded as running (up failed half-way).
        kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null || true
    fi
    if [ -n "$REDIS_TMP" ] && [ -d "$REDIS_TMP" ]; then rm -rf "$REDIS_TMP"; fi

    if [ -n "$PG_TMP" ] && [ -f "$PG_TMP/data/postmaster.pid" ]; then
        say "stopping the throwaway PostgreSQL ($PG_TMP)"
        as_pg "$PG_RUN_AS" "$PG_TMP" "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
            local pid
            pid=$(head -n 1 "$PG_TMP/data/postmaster.pid" 2>/dev/null || true)
            if [ -n "$pid" ]; then
                say "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
                kill -QUIT "$pid" 2>/dev/null || true
                sleep 1
            fi
        }
    fi
    if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then rm -rf "$PG_TMP"; fi

    # On a shared server: test databases of this run's unique name that a crashed run left
    # (pytest-django drops them itself when it ends normally). Only names recorded by `up`.
    if [ -n "$PG_SHARED_URL" ] && [ -n "$PG_RUN_DB" ] && command -v psql >/dev/null 2>&1; then
        local leftover
        leftover=$(PGCONNECT_TIMEOUT=3 psql -w -X -A -t -d "$PG_SHARED_URL" -c \
            "select datname from pg_database where datname = 'test_$PG_RUN_DB' or datname like 'test\_${PG_RUN_DB}\_gw%'" \
            2>/dev/null || true)
        for db in $leftover; do
            say "dropping leftover test database $db"
            PGCONNECT_TIMEOUT=3 psql -w -X -q -d "$PG_SHARED_URL" -c "drop database if exists \"$db\" with (force)" >&2 || true
        done
    fi
    rm -f "$STATE"
}

cmd_prune() {
    local file pid
    for file in "$(dirname "$STATE")"/state.*; do
        [ -e "$file" ] || continue
        pid=${file##*.}
        case $pid in ''|*[!0-9]*) continue ;; esac
        if [ -d "/proc/$pid" ] || kill -0 "$pid" 2>/dev/null; then continue; fi
        say "cleaning up after run $pid, which ended without stopping its services"
        STATE=$file cmd_down
    done
}

cmd_status() {
    if [ -s "$STATE" ]; then cat "$STATE"; else echo "nothing started (no $STATE)"; fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    prune) cmd_prune ;;
    *) echo "usage: $0 up|down|status|prune" >&2; exit 2 ;;
esac
