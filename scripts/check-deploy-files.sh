#!/usr/bin/env bash
# Static checks of the deployment files (no Docker engine needed):
#   1. docker-compose.yml parses as YAML and has the services, healthchecks and volumes we rely on;
#      `docker compose config` / `docker-compose config` validates it too when either is installed.
#   2. deploy/.env.example lists every environment variable the settings read.
#   3. deploy/nginx/lms.conf passes `nginx -t` (when nginx is installed), inside a wrapper
#      nginx.conf with the upstream pointed at 127.0.0.1 and a throwaway self-signed certificate.
#   4. deploy/entrypoint.sh and the scripts parse (sh -n / bash -n); deploy/gunicorn.conf.py
#      loads in gunicorn's own config parser.
#   5. deploy/Dockerfile: the base image and a non-root USER.
# Exit status: 0 when every check that could run passed; checks that cannot run say so.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
failures=0
ok() { printf 'ok    %s\n' "$*"; }
skip() { printf 'skip  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lms-deploy-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- 1. docker-compose.yml ------------------------------------------------------------------
if out=$("$PY" - <<'PY' 2>&1
import sys

import yaml

with open("docker-compose.yml") as fh:
    compose = yaml.safe_load(fh)
services = compose.get("services", {})
problems = []
for name in ("nginx", "web", "worker", "beat", "postgres", "redis", "clamav"):
    if name not in services:
        problems.append(f"service {name!r} missing")
web = services.get("web", {})
if "/health/ready" not in str(web.get("healthcheck", {}).get("test", "")):
    problems.append("web healthcheck does not probe /health/ready")
if "--appendonly" not in " ".join(map(str, services.get("redis", {}).get("command", []))):
    problems.append("redis runs without --appendonly (the Celery broker would lose queued tasks)")
for name in ("web", "worker", "beat"):
    env_file = services.get(name, {}).get("env_file")
    if env_file not in (".env", [".env"]):
        problems.append(f"{name} does not read env_file .env")
declared = set(compose.get("volumes", {}) or {})
for name, service in services.items():
    for volume in service.get("volumes", []) or []:
        source = str(volume).split(":", 1)[0]
        if not source.startswith((".", "/")) and source not in declared:
            problems.append(f"{name} mounts undeclared volume {source!r}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
); then
    ok "docker-compose.yml parses; services, healthchecks and volumes present"
else
    fail "docker-compose.yml: $out"
fi

compose_cmd=""
if docker compose version >/dev/null 2>&1; then compose_cmd="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then compose_cmd="docker-compose"
fi
if [ -n "$compose_cmd" ]; then
    # Validate a copy whose .env is the example (with a dummy password), so neither a real .env
    # nor its absence changes the result. Relative paths (build context, deploy/) stay valid.
    mkdir -p "$WORK/compose"
    cp docker-compose.yml "$WORK/compose/"
    ln -s "$ROOT/deploy" "$WORK/compose/deploy"
    sed 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=check/' deploy/.env.example >"$WORK/compose/.env"
    if out=$(cd "$WORK/compose" && $compose_cmd config -q 2>&1); then
        ok "$compose_cmd config accepts docker-compose.yml${out:+ (said: $out)}"
    else
        fail "$compose_cmd config: $out"
    fi
else
    skip "docker compose / docker-compose not installed: compose schema not validated"
fi

# --- 2. deploy/.env.example covers the settings -----------------------------------------------
if out=$("$PY" - <<'PY' 2>&1
import pathlib
import re
import sys

read = set()
for path in pathlib.Path("lms_site/settings").glob("*.py"):
    if path.name == "test.py":  # test settings are never deployed
        continue
    text = path.read_text()
    read |= set(re.findall(r"\benv(?:_bool|_int|_list)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    read |= set(re.findall(r"os\.environ(?:\.get)?[\(\[]\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
example = pathlib.Path("deploy/.env.example").read_text()
listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
missing = sorted(read - listed)
if missing:
    print("not listed in deploy/.env.example: " + ", ".join(missing))
    sys.exit(1)
print(f"{len(read)} variables")
PY
); then
    ok "deploy/.env.example lists every variable the settings read ($out)"
else
    fail "$out"
fi

# --- 3. nginx -t ------------------------------------------------------------------------------
if command -v nginx >/dev/null 2>&1; then
    nginx_version=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
        -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" >/dev/null 2>&1
    # Only addresses and paths change: web:8000 does not resolve outside compose.
    sed -e "s|server web:8000;|server 127.0.0.1:8000;|" \
        -e "s|/etc/nginx/certs/|$WORK/|g" \
        deploy/nginx/lms.conf >"$WORK/lms.conf"
    # `http2 on;` needs nginx >= 1.25.1 (the compose image is 1.27). Debian 12 ships 1.22:
    # there, move http2 onto the listen lines, which is what `http2 on;` means.
    if [ "$(printf '%s\n1.25.1\n' "$nginx_version" | sort -V | head -n 1)" != "1.25.1" ]; then
        sed -i -e '/^\s*http2 on;/d' -e 's|listen \(.*\)443 ssl default_server;|listen \1443 ssl http2 default_server;|' "$WORK/lms.conf"
        note=" (nginx $nginx_version: http2 moved onto listen)"
    else
        note=""
    fi
    mime=/etc/nginx/mime.types
    [ -f "$mime" ] || mime=$(dirname "$(nginx -V 2>&1 | sed -n 's|.*--conf-path=\([^ ]*\).*|\1|p')")/mime.types
    cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
error_log $WORK/error.log;
pid $WORK/nginx.pid;
events { worker_connections 64; }
http {
    include $mime;
    default_type application/octet-stream;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    include $WORK/lms.conf;
}
EOF
    if out=$(nginx -t -q -c "$WORK/nginx.conf" -p "$WORK" 2>&1); then
        ok "nginx -t accepts deploy/nginx/lms.conf$note${out:+ — $out}"
    else
        fail "nginx -t: $out"
    fi
else
    skip "nginx not installed (apt-get install nginx): nginx -t not run"
fi

# --- 4. entrypoint, scripts, gunicorn config ------------------------------------------------
for script in deploy/entrypoint.sh scripts/apt-install.sh scripts/bootstrap-venv.sh; do
    if sh -n "$script"; then ok "$script parses (sh -n)"; else fail "$script: sh -n"; fi
done
for script in scripts/test-services.sh scripts/check-deploy-files.sh .ci/run; do
    if bash -n "$script"; then ok "$script parses (bash -n)"; else fail "$script: bash -n"; fi
done
for script in deploy/entrypoint.sh scripts/*.sh .ci/run; do
    [ -x "$script" ] || fail "$script is not executable"
done
if "$PY" -c "import gunicorn" 2>/dev/null; then
    if out=$("$PY" - <<'PY' 2>&1
from gunicorn.app.base import Application


class Check(Application):
    def init(self, parser, opts, args):
        return None

    def load(self):
        return None


app = Check(usage="check")
app.load_config_from_file("deploy/gunicorn.conf.py")
cfg = app.cfg
assert cfg.worker_class_str == "gthread", cfg.worker_class_str
print(f"workers={cfg.workers} threads={cfg.threads} timeout={cfg.timeout} logger={cfg.logger_class.__name__}")
PY
    ); then
        ok "deploy/gunicorn.conf.py loads: $out"
    else
        fail "deploy/gunicorn.conf.py: $out"
    fi
else
    skip "gunicorn not importable with $PY: gunicorn config not loaded"
fi

# --- 5. Dockerfile ----------------------------------------------------------------------------
if grep -qE '^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm' deploy/Dockerfile \
    && grep -qE '^USER [a-z]' deploy/Dockerfile && ! grep -qE '^USER root' deploy/Dockerfile; then
    ok "deploy/Dockerfile: python:3.11-slim-bookworm base, runs as a non-root user"
else
    fail "deploy/Dockerfile: base image or non-root USER missing"
fi
skip "hadolint and docker build: not available here"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "deploy files: all checks that could run passed"
