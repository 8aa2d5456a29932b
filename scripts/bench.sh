#!/usr/bin/env bash
# Throughput and latency of the hot pages and the API, served the way production serves them:
# gunicorn (deploy/gunicorn.conf.py) with lms_site.settings.production, on real PostgreSQL and
# Redis, measured with wrk. `make bench` runs this (after installing the venv and wrk).
#
#   1. PostgreSQL + Redis from scripts/test-services.sh (reused or throwaway, like `make test`;
#      its own state file, stopped on exit). A fresh database lms_bench_<pid> on that server,
#      and Redis database BENCH_REDIS_DB (flushed before the server starts and at the end).
#   2. migrate + seed_demo with the test settings (the demo accounts exist only there), then the
#      demo student's password is hashed again with the production hashers: the test settings
#      hash with MD5, which production does not accept.
#   3. collectstatic into a temporary STATIC_ROOT (production uses the manifest storage), then
#      gunicorn on 127.0.0.1:<free port>, until /health/ready answers.
#   4. URLs come from the API (a preview lesson of "Linux for Security" and its course); the
#      student signs in through the login form (session cookie) and gets one JWT.
#   5. Each target: one request that must answer 200, a short unrecorded warm-up, a run with
#      one connection (latency without queueing), then the loaded run (throughput, latency
#      under load). A table at the end; any non-2xx response, socket error or error in the
#      server log fails the run (exit 1), except read errors while gunicorn recycled workers,
#      which are listed on their own (see the NOTE the script prints).
#
# Requests carry `X-Forwarded-Proto: https`, as nginx sends it, so the app sees HTTPS as in
# production (HSTS, secure cookies); SECURE_SSL_REDIRECT is off as well, in case.
# The API throttles (120/min anonymous, 600/min per user) would turn the benchmark into a
# stream of 429s: the bench server runs with API_THROTTLE_ANON/USER=1000000/min. The throttle
# code still runs (one cache read and write per API request), it just never refuses.
#
# Settings (environment or `make bench VAR=value`):
#   BENCH_WORKERS       gunicorn worker processes (2: the machine of the README figures has 2 cores)
#   BENCH_THREADS       threads per worker (default: gunicorn.conf.py's, GUNICORN_THREADS or 4)
#   BENCH_DURATION      wrk duration per target (15s)
#   BENCH_CONNECTIONS   wrk open connections (32)
#   BENCH_WRK_THREADS   wrk threads (2)
#   BENCH_WARMUP        unrecorded wrk run before each target, warms every worker (1s; 0 skips it)
#   BENCH_SINGLE        wrk run with one connection before the loaded one: the latency of a
#                       request that does not queue (3s; 0 skips it)
#   BENCH_TIMEOUT       wrk's per-request timeout (10s; wrk's default of 2s would drop the slow
#                       tail from the percentiles under load and count it as errors instead)
#   BENCH_REDIS_DB      Redis database number for the bench server (14; must be >= 1)
#   BENCH_KEEP_LOG      a path: copy the gunicorn log there at the end
# Other production variables pass through to the server (DB_POOL_MAX, GUNICORN_MAX_REQUESTS,
# GUNICORN_ACCESS_LOG, ...): see deploy/.env.example. DATABASE_URL / REDIS_URL, when set, say
# which servers to use, as for `make test`; the bench database is created next to the first.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=$ROOT/.venv/bin/python
HELPER=$ROOT/scripts/bench_report.py

BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_THREADS=${BENCH_THREADS:-}
BENCH_DURATION=${BENCH_DURATION:-15s}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_WARMUP=${BENCH_WARMUP:-1s}
BENCH_SINGLE=${BENCH_SINGLE:-3s}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-10s}
BENCH_REDIS_DB=${BENCH_REDIS_DB:-14}
BENCH_KEEP_LOG=${BENCH_KEEP_LOG:-}
THROTTLE=1000000/min

say() { printf '==> [%3ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[ -x "$PY" ] || die "no $PY: run \`make venv\` (or \`make bench\`, which installs it)"
command -v wrk >/dev/null 2>&1 || die "wrk is not installed: scripts/apt-install.sh wrk (\`make bench\` does it)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
case $BENCH_REDIS_DB in ''|*[!0-9]*|0) die "BENCH_REDIS_DB must be a database number >= 1" ;; esac
case $BENCH_WORKERS in ''|*[!0-9]*|0) die "BENCH_WORKERS must be a positive integer" ;; esac

# --- clean-up: whatever happens, nothing is left running or behind -------------------------

STATE=$ROOT/.services/state.$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lms-bench.XXXXXX")
GUNICORN_PID=""
COLLECT_PID=""
BENCH_DB=""
ADMIN_URL=""
BENCH_REDIS_URL=""

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM
    if [ -n "$COLLECT_PID" ] && kill -0 "$COLLECT_PID" 2>/dev/null; then
        kill -TERM "$COLLECT_PID" 2>/dev/null
        wait "$COLLECT_PID" 2>/dev/null
    fi
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        say "stopping gunicorn (pid $GUNICORN_PID)"
        kill -TERM "$GUNICORN_PID" 2>/dev/null
        for i in $(seq 1 100); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$GUNICORN_PID" 2>/dev/null; then kill -KILL "$GUNICORN_PID" 2>/dev/null; fi
        wait "$GUNICORN_PID" 2>/dev/null
    fi
    if [ -n "$BENCH_KEEP_LOG" ] && [ -f "$WORK/gunicorn.log" ]; then
        cp "$WORK/gunicorn.log" "$BENCH_KEEP_LOG" && say "gunicorn log kept in $BENCH_KEEP_LOG"
    fi
    if [ -n "$BENCH_DB" ]; then
        say "dropping database $BENCH_DB"
        "$PY" "$HELPER" db-drop "$ADMIN_URL" "$BENCH_DB" || say "could not drop $BENCH_DB; drop it by hand"
    fi
    if [ -n "$BENCH_REDIS_URL" ]; then
        "$PY" "$HELPER" redis-flush "$BENCH_REDIS_URL" || say "could not flush Redis database $BENCH_REDIS_DB"
    fi
    rm -rf "$WORK"
    LMS_SERVICES_STATE=$STATE "$ROOT/scripts/test-services.sh" down
    say "done (exit status $rc)"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. services, database, Redis database -------------------------------------------------

LMS_SERVICES_STATE=$STATE "$ROOT/scripts/test-services.sh" prune
exports=$(LMS_SERVICES_STATE=$STATE "$ROOT/scripts/test-services.sh" up) || exit 1
eval "$exports"

ADMIN_URL=$DATABASE_URL
BENCH_DB_URL=$("$PY" "$HELPER" url-db "$DATABASE_URL" "lms_bench_$$")
BENCH_REDIS_URL=$("$PY" "$HELPER" url-db "$REDIS_URL" "$BENCH_REDIS_DB")
# The test settings use REDIS_URL's database + 1: this makes the seed use the bench database too.
SEED_REDIS_URL=$("$PY" "$HELPER" url-db "$REDIS_URL" "$((BENCH_REDIS_DB - 1))")
say "$(printf 'PostgreSQL %s, Redis %s' "$BENCH_DB_URL" "$BENCH_REDIS_URL" | sed 's|://\([^:/@]*\):[^@]*@|://\1:***@|g')"
"$PY" "$HELPER" db-create "$ADMIN_URL" "lms_bench_$$" || die "could not create database lms_bench_$$"
BENCH_DB=lms_bench_$$

PORT=$("$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
BASE=http://127.0.0.1:$PORT
SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')  # 64 characters

# Production settings for the server (and for collectstatic and the password reset).
SERVER_ENV=(
    DJANGO_SETTINGS_MODULE=lms_site.settings.production
    "SECRET_KEY=$SECRET"
    "FIELD_ENCRYPTION_KEYS=bench:$("$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    FIELD_ENCRYPTION_ACTIVE_KEY=bench
    "ALLOWED_HOSTS=127.0.0.1,localhost"
    "DATABASE_URL=$BENCH_DB_URL"
    "REDIS_URL=$BENCH_REDIS_URL"
    "CELERY_BROKER_URL=$BENCH_REDIS_URL"
    SECURE_SSL_REDIRECT=false
    LOG_LEVEL=WARNING
    "STATIC_ROOT=$WORK/static"
    "MEDIA_ROOT=$WORK/media"
    "API_THROTTLE_ANON=$THROTTLE"
    "API_THROTTLE_USER=$THROTTLE"
    # One token serves the whole run (the default lifetime is 5 minutes).
    JWT_ACCESS_MINUTES=60
    "GUNICORN_BIND=127.0.0.1:$PORT"
    "GUNICORN_WORKERS=$BENCH_WORKERS"
)
if [ -n "$BENCH_THREADS" ]; then SERVER_ENV+=("GUNICORN_THREADS=$BENCH_THREADS"); fi
prod() { env -u PYTEST_XDIST_WORKER "${SERVER_ENV[@]}" "$@"; }

# --- 2. schema and demo data (test settings), static files (production settings) ----------

# collectstatic (compressing every file) runs while the database is migrated and seeded.
say "collectstatic into a temporary STATIC_ROOT (in the background)"
env -u PYTEST_XDIST_WORKER "${SERVER_ENV[@]}" "$PY" manage.py collectstatic --noinput -v 0 \
    >"$WORK/collectstatic.log" 2>&1 &
COLLECT_PID=$!

say "migrate + seed_demo (test settings, database lms_bench_$$)"
seed() {
    env -u PYTEST_XDIST_WORKER DJANGO_SETTINGS_MODULE=lms_site.settings.test \
        "DATABASE_URL=$BENCH_DB_URL" "REDIS_URL=$SEED_REDIS_URL" "MEDIA_ROOT=$WORK/media" "$@"
}
seed "$PY" manage.py migrate --noinput -v 0 || die "migrate failed"
seed "$PY" manage.py seed_demo -v 0 || die "seed_demo failed"
# The test settings hash passwords with MD5; production's hashers do not accept it.
prod "$PY" manage.py shell -c "
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(email='student@wchi.example')
user.set_password('wchi-demo-password')
user.save(update_fields=['password'])
" >/dev/null || die "could not set the student's password with the production hashers"
# Nothing the seed cached survives: the server starts cold and warms its own cache.
"$PY" "$HELPER" redis-flush "$BENCH_REDIS_URL"

wait "$COLLECT_PID" || { cat "$WORK/collectstatic.log" >&2; die "collectstatic failed (output above)"; }
COLLECT_PID=""

# --- 3. gunicorn -----------------------------------------------------------------------------

read -r THREADS MAX_REQUESTS < <(prod "$PY" -c '
import runpy
conf = runpy.run_path("deploy/gunicorn.conf.py")
print(conf["threads"], conf["max_requests"])')
say "gunicorn: $BENCH_WORKERS workers x $THREADS threads (gthread), production settings, $BASE"
# Not through prod(): a function in the background is a subshell, and $! would be its pid,
# not gunicorn's. `env` execs gunicorn, so $! is the gunicorn master.
env -u PYTEST_XDIST_WORKER "${SERVER_ENV[@]}" "$ROOT/.venv/bin/gunicorn" -c deploy/gunicorn.conf.py lms_site.wsgi \
    >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!

server_log_tail() { tail -n 40 "$WORK/gunicorn.log" | sed 's/^/    /' >&2; }
# Ctrl-C reaches gunicorn too, while wrk shrugs it off (it prints its results and exits 0).
server_alive() {
    kill -0 "$GUNICORN_PID" 2>/dev/null && return 0
    server_log_tail
    die "gunicorn is no longer running (interrupted? log above)"
}
for i in $(seq 1 150); do
    if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
        server_log_tail
        die "gunicorn exited during start-up (log above)"
    fi
    if curl -fsS -o /dev/null --max-time 2 -H "X-Forwarded-Proto: https" "$BASE/health/ready" 2>/dev/null; then break; fi
    [ "$i" -lt 150 ] || { server_log_tail; die "/health/ready did not answer 200 within 30 s"; }
    sleep 0.2
done
booted_before=$(grep -c "Booting worker" "$WORK/gunicorn.log" || true)

# --- 4. targets --------------------------------------------------------------------------------

"$PY" "$HELPER" prepare "$BASE" "$WORK/targets.tsv" || { server_log_tail; die "could not prepare the targets"; }

# Counts the status of every response (wrk's own "Non-2xx or 3xx" misses 3xx) and prints one
# machine-readable line with the latency percentiles.
cat >"$WORK/report.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local counts, parts = {}, {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do counts[code] = (counts[code] or 0) + n end
  end
  for code, n in pairs(counts) do table.insert(parts, code .. ":" .. n) end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
LUA

say "wrk per target: warm-up $BENCH_WARMUP, 1 connection for $BENCH_SINGLE, then $BENCH_WRK_THREADS threads x $BENCH_CONNECTIONS connections for $BENCH_DURATION"
say "API throttles raised to $THROTTLE for the bench server (defaults: anon 120/min, user 600/min)"
# When wrk stops, the server still works through the requests its 32 connections had sent:
# wait until a request is answered at once again, so the next run starts on an idle server.
drain() {
    local i t
    for i in $(seq 1 100); do
        server_alive
        t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 10 -H "X-Forwarded-Proto: https" "$BASE/health/live" \
            2>/dev/null) || t=10
        case $t in 0.00*|0.01*|0.02*) return 0 ;; esac
        sleep 0.2
    done
}

# run_wrk KIND THREADS CONNECTIONS DURATION: one recorded run against $url with $wrk_headers.
run_wrk() {
    local result
    wrk -t"$2" -c"$3" -d"$4" --timeout "$BENCH_TIMEOUT" --latency -s "$WORK/report.lua" \
        "${wrk_headers[@]}" "$url" >"$WORK/wrk.out"
    server_alive
    grep -v '^BENCH-RESULT' "$WORK/wrk.out" | sed 's/^/    /' >&2
    result=$(grep '^BENCH-RESULT' "$WORK/wrk.out") || die "$label: wrk printed no result"
    printf '%s\t%s\t%s\n' "$label" "$1" "$result" >>"$WORK/results.tsv"
}

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "?")
: >"$WORK/results.tsv"
while IFS=$'\t' read -r -u 3 -a fields; do
    label=${fields[0]}
    path=${fields[1]}
    wrk_headers=(-H "X-Forwarded-Proto: https")
    curl_headers=(-H "X-Forwarded-Proto: https")
    for header in "${fields[@]:2}"; do
        wrk_headers+=(-H "$header")
        curl_headers+=(-H "$header")
    done
    url=$BASE$path
    # The first request is checked (and warms the caches): anything but 200 stops the run.
    status=$(curl -sS -o "$WORK/check.body" -w '%{http_code}' --max-time 30 "${curl_headers[@]}" "$url") || status=000
    if [ "$status" != 200 ]; then
        head -c 600 "$WORK/check.body" >&2 2>/dev/null; echo >&2
        server_log_tail
        die "$label: GET $path answered $status, not 200"
    fi
    printf '\n' >&2
    say "$label: GET $path"
    case $BENCH_WARMUP in 0|0s) ;; *)
        wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_WARMUP" "${wrk_headers[@]}" "$url" >/dev/null
        drain ;;
    esac
    case $BENCH_SINGLE in 0|0s) ;; *)
        run_wrk single 1 1 "$BENCH_SINGLE" ;;
    esac
    run_wrk load "$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_DURATION"
    drain
done 3<"$WORK/targets.tsv"

# --- 5. report -------------------------------------------------------------------------------

booted_after=$(grep -c "Booting worker" "$WORK/gunicorn.log" || true)
errors_logged=$(grep -c -E '"level": ?"(ERROR|CRITICAL)"|Traceback|WORKER TIMEOUT' "$WORK/gunicorn.log" || true)
cpu=$(nproc 2>/dev/null || echo "?")
load=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "?")
echo
echo "WCHI LMS benchmark, $(date -u +%Y-%m-%d), $cpu CPU cores (wrk runs on the same machine)," \
    "load average before the runs: $load_before, after: $load"
echo "gunicorn $BENCH_WORKERS workers x $THREADS threads, production settings, PostgreSQL + Redis;" \
    "wrk -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --timeout $BENCH_TIMEOUT; API throttles $THROTTLE"
echo
status=0
recycled=$((booted_after - booted_before))
"$PY" "$HELPER" table "$WORK/results.tsv" "$recycled" >"$WORK/table.txt" || status=1
cat "$WORK/table.txt"
echo
echo "gunicorn workers recycled during the run (max_requests $MAX_REQUESTS + jitter): $recycled"
if grep -q '^Requests dropped by' "$WORK/table.txt"; then
    echo "NOTE: a gthread worker that recycles (max_requests) closes its kept-alive connections, and"
    echo "      requests a client has already sent on them get no answer (wrk: read errors). Behind"
    echo "      nginx's upstream keepalive pool the client may get a 502 instead. To check:"
    echo "      GUNICORN_MAX_REQUESTS=0 make bench (no recycling)."
fi
if [ "$errors_logged" -gt 0 ]; then
    echo "PROBLEM: the server logged $errors_logged errors; the last lines of its log:"
    grep -E '"level": ?"(ERROR|CRITICAL)"|Traceback|WORKER TIMEOUT' "$WORK/gunicorn.log" | tail -n 10 | sed 's/^/    /'
    status=1
fi
exit "$status"
