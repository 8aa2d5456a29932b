"""Liveness and readiness probes for the load balancer and the orchestrator."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def live(request):
    """The process answers. No dependency is checked: a restart would not fix one."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """The database and the cache answer; 503 otherwise, so traffic goes elsewhere."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("readiness: database check failed")
        checks["database"] = "error"
    try:
        cache.set("health:ready", "1", timeout=5)
        checks["cache"] = "ok" if cache.get("health:ready") == "1" else "error"
    except Exception:
        logger.exception("readiness: cache check failed")
        checks["cache"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
