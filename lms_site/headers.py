"""Security headers on every response: which Content-Security-Policy, and Permissions-Policy.

The policies themselves are settings (lms_site/settings/parts/headers.py); this module only
decides which one a response gets.
"""

from csp.constants import HEADER, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with one policy per kind of response.

    - a view that chose its own policy (django-csp's @csp_override / @csp_replace /
      @csp_update decorators) keeps it;
    - anything that is not HTML (API JSON, downloads, static files): CSP_NON_HTML_DIRECTIVES;
    - a Wagtail preview of a page: the site's policy, framable by the admin ('self');
    - HTML under CSP_ADMIN_URL_PREFIXES (Wagtail admin): CSP_ADMIN_DIRECTIVES;
    - HTML under CSP_API_DOCS_URL_PREFIXES (Swagger UI): CSP_API_DOCS_DIRECTIVES;
    - every other page: CONTENT_SECURITY_POLICY, the site's policy.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # A policy a view wrote itself (e.g. the sandbox policy of file downloads) is kept as it
        # is, but nothing may be framed unless its policy says so: a missing frame-ancestors is
        # added (one more directive only ever restricts a policy).
        policy = response.get(HEADER)
        if policy and "frame-ancestors" not in policy:
            response[HEADER] = f"{policy.rstrip('; ')}; frame-ancestors 'none'"
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        path = request.path_info
        if not _is_html(response):
            parts.config = dict(settings.CSP_NON_HTML_DIRECTIVES)
        elif getattr(request, "is_preview", False):
            # Wagtail renders a preview by running a made-up request for the page's own URL
            # through the middleware; the admin shows the result in its preview <iframe>.
            parts.config = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "frame-ancestors": [SELF]}
        elif path.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES)):
            parts.config = dict(settings.CSP_ADMIN_DIRECTIVES)
        elif path.startswith(tuple(settings.CSP_API_DOCS_URL_PREFIXES)):
            parts.config = dict(settings.CSP_API_DOCS_DIRECTIVES)
        return parts


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self", "https://a.example"]} -> 'camera=(), fullscreen=(self "https://a.example")'.

    Structured-header syntax: the keywords `self` and `*` bare, origins quoted.
    """

    def item(origin: str) -> str:
        return origin if origin in ("self", "*") else f'"{origin}"'

    return ", ".join(f"{feature}=({' '.join(map(item, allowlist))})" for feature, allowlist in policy.items())


class PermissionsPolicyMiddleware:
    """Permissions-Policy from settings.PERMISSIONS_POLICY on every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
