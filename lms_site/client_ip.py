"""The client's IP address as the app should record it.

Behind nginx, REMOTE_ADDR is nginx's own address; nginx passes the client's in X-Real-IP
(deploy/nginx/lms.conf). `CLIENT_IP_HEADER` names the request header to trust (its META key,
e.g. HTTP_X_REAL_IP); only set it where a proxy you run always overwrites that header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    candidates = [request.META.get(header, "")] if header else []
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        candidate = (candidate or "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
