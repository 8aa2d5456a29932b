"""Settings of the headers workstream (imported at the end of base.py).

Response headers that tell the browser what a page may do (README "Security headers"):
Content-Security-Policy (django-csp 4, one policy per kind of response, chosen by
lms_site.headers.SiteCSPMiddleware), Permissions-Policy (lms_site.headers.PermissionsPolicyMiddleware),
Referrer-Policy, X-Content-Type-Options, X-Frame-Options and Cross-Origin-Opener-Policy (Django's
SecurityMiddleware and XFrameOptionsMiddleware); cookie flags; the error pages' views.
"""

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from lms_site.env import env_list

# Hosts a lesson may frame: the video embeds (Wagtail embeds: oEmbed from YouTube and Vimeo
# answer an <iframe> of one of these), plus CSP_EXTRA_FRAME_HOSTS, the https:// origins of the
# interactive exercises (InteractiveEmbedBlock) you use, e.g. "https://h5p.example.org".
EMBED_FRAME_HOSTS = [
    "https://www.youtube-nocookie.com",
    "https://www.youtube.com",
    "https://player.vimeo.com",
    *env_list("CSP_EXTRA_FRAME_HOSTS", default=[]),
]

# --- Content-Security-Policy ---------------------------------------------------------------
# The site: no inline script or style at all (our JavaScript and CSS are files under /static/;
# JSON for scripts goes in <script type="application/json">, which is data, not code). NONCE
# is there for a template that really needs an inline <script nonce="{{ request.csp_nonce }}">:
# django-csp adds the nonce only to responses whose template asked for it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": EMBED_FRAME_HOSTS,
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# The Wagtail admin (HTML under these prefixes). Relaxed, and only for signed-in staff:
# - script-src / style-src 'unsafe-inline': Wagtail 8 still renders inline <script> blocks
#   (inline panels, date pickers) and style="" attributes throughout its templates;
# - img-src blob:: image upload previews; connect-src releases.wagtail.org: the dashboard's
#   "new Wagtail release" check;
# - frame-src 'self' and frame-ancestors 'self': the live preview is an <iframe> of an admin
#   URL inside the page editor (Wagtail answers it with X-Frame-Options: SAMEORIGIN).
# Everything else (default-src, object-src, base-uri, form-action) is as strict as the site.
# No NONCE here: a nonce in script-src would make browsers ignore 'unsafe-inline'.
CSP_ADMIN_URL_PREFIXES = ("/admin/",)
CSP_ADMIN_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "media-src": [SELF, "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF, "https://releases.wagtail.org"],
    "frame-src": [SELF, *EMBED_FRAME_HOSTS],
    "frame-ancestors": [SELF],
    "form-action": [SELF],
    "base-uri": [SELF],
    "object-src": [NONE],
}

# The API documentation page (/api/v1/docs/, drf-spectacular's Swagger UI): its bundle comes
# from our static files (SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"] = "SIDECAR"); its one inline
# <script> and <style> carry the request's nonce (templates/drf_spectacular/swagger_ui.html).
CSP_API_DOCS_URL_PREFIXES = ("/api/v1/docs/",)
CSP_API_DOCS_DIRECTIVES = {
    "default-src": [NONE],
    "script-src": [NONCE, SELF],
    "style-src": [NONCE, SELF],
    "img-src": [SELF, "data:"],
    "connect-src": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
    "base-uri": [NONE],
}

# Everything that is not an HTML page: API JSON, files, feeds. Nothing in it may load or run
# anything, and nobody may frame it. (A view that sets its own Content-Security-Policy
# header keeps it: django-csp never overwrites one, e.g. the sandbox policy of file downloads.)
CSP_NON_HTML_DIRECTIVES = {
    "default-src": [NONE],
    "frame-ancestors": [NONE],
}

# --- Permissions-Policy ----------------------------------------------------------------------
# Powerful browser features no page of ours uses, switched off for every page and every frame
# in it. Only features Chromium recognises (an unknown one is a console error); fullscreen,
# autoplay, clipboard and picture-in-picture keep their defaults (video embeds, "Copy" buttons).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# --- Other headers (Django's SecurityMiddleware / XFrameOptionsMiddleware) -------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# strict-origin-when-cross-origin: other sites see only our origin, never a path (lesson and
# certificate URLs stay private); the origin is what YouTube's player now needs from an embed.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Cookies ---------------------------------------------------------------------------------
# Secure is set in production.py (HTTPS only there). The CSRF cookie is HttpOnly: our scripts
# read the token from the page (the form's csrfmiddlewaretoken or a data-csrf-token attribute),
# never from document.cookie; Wagtail's admin reads it from its wagtail-config JSON.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Error pages -----------------------------------------------------------------------------
# A failed CSRF check: templates/403_csrf.html for pages, the JSON envelope under /api/. The
# other error views are lms_site.errors' handler400/403/404/500 (lms_site/urls.py).
CSRF_FAILURE_VIEW = "lms_site.errors.csrf_failure"

# No staff e-mail hashes sent to gravatar.com from the admin (avatars are initials instead),
# which also keeps the admin's img-src to 'self'.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
