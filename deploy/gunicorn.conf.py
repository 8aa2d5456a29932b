"""gunicorn settings for the web container (`gunicorn -c deploy/gunicorn.conf.py lms_site.wsgi`).

Every value can be changed through the environment; the defaults suit one 8-core machine
behind nginx.

Worker model: gunicorn's sync worker with threads (`gthread`). Each process serves
GUNICORN_THREADS requests at once; nginx buffers request and response bodies, so slow
clients never hold a thread. Django code is mostly I/O-bound (PostgreSQL, Redis), so a few
threads per process add throughput without extra memory. Keep DB_POOL_MAX (the psycopg pool
of each process) >= GUNICORN_THREADS, and workers x DB_POOL_MAX (+ Celery) below
PostgreSQL's max_connections.
"""

import json
import multiprocessing
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A worker that does not report back for `timeout` seconds is killed and replaced.
# (With gthread this guards against a stuck process, not a slow request.)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps upstream connections open (keepalive in deploy/nginx/lms.conf): a little longer here.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then so a slow leak cannot grow without bound; jitter staggers restarts.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Heartbeat files in memory, not on the container's overlay filesystem (gunicorn's advice for
# containers; only gunicorn's own heartbeat files live there).
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _SHM if os.path.isdir(_SHM) else None)
# Off by default: each worker imports the app itself, so nothing opened at import time (a
# database pool, a Redis connection) is ever shared between forked processes.
preload_app = os.environ.get("GUNICORN_PRELOAD", "false").lower() == "true"

# Only nginx talks to gunicorn (the web port is not published): trust its X-Forwarded-Proto.
# Narrow this to nginx's address when the network is shared with anything else.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Limits on the request line and headers (nginx enforces the body size).
limit_request_line = 8190
limit_request_fields = 100

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
errorlog = "-"
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true").lower() == "true" else None


class JsonAccessLogger(Logger):
    """One JSON object per request on stdout, with the request id nginx and Django share."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        headers = dict(req.headers)  # gunicorn gives (NAME, value) pairs, names upper-cased
        response_headers = {name.lower(): value for name, value in (resp.headers or [])}
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            # Django echoes the id it used (the caller's, via nginx, or a new one).
            "request_id": response_headers.get("x-request-id") or headers.get("X-REQUEST-ID", "-"),
            "remote_addr": headers.get("X-REAL-IP") or environ.get("REMOTE_ADDR", "-"),
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": headers.get("USER-AGENT", ""),
        }
        try:
            self.access_log.info(json.dumps(record, separators=(",", ":")))
        except Exception:  # noqa: BLE001 - a logging failure must never fail the request
            self.exception("Failed to write the access log")


logger_class = JsonAccessLogger
