"""Family D: security headers on every kind of response, the policy each kind gets, cookie flags,
and `manage.py check --deploy` on the production settings.

The pages come from the module's `world` (tests/security/world.py): real courses, lessons, a
quiz, a certificate and a document, each fetched by the role that may see it.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]

# (name, role, url from the world, kind): kind picks the policy the response must carry.
PAGES = [
    ("home", "anonymous", lambda w: "/", "site"),
    ("catalog", "anonymous", lambda w: w.objects["catalog"].url, "site"),
    ("course", "anonymous", lambda w: w.objects["course"].url, "site"),
    ("lesson", "student", lambda w: w.objects["lesson"].url, "site"),
    ("quiz", "student", lambda w: reverse("assessments:quiz", args=[w.ids["quiz"]]), "site"),
    ("dashboard", "student", lambda w: "/dashboard/", "site"),
    ("grades", "student", lambda w: "/grades/", "site"),
    ("search", "anonymous", lambda w: "/search/?q=matrix", "site"),
    ("login", "anonymous", lambda w: "/accounts/login/", "site"),
    ("certificate verification", "anonymous", lambda w: w.objects["certificate"].get_absolute_url(), "site"),
    ("not found page", "anonymous", lambda w: "/no-such-page/", "site"),
    ("wagtail admin", "administrator", lambda w: "/admin/", "admin"),
    ("wagtail page editor", "administrator", lambda w: f"/admin/pages/{w.ids['lesson']}/edit/", "admin"),
    ("django admin", "administrator", lambda w: "/django-admin/", "site"),
    ("api list", "anonymous", lambda w: "/api/v1/courses/", "non-html"),
    ("api detail", "student", lambda w: f"/api/v1/attempts/{w.ids['student_attempt']}/", "non-html"),
    ("api not found", "anonymous", lambda w: "/api/v1/no-such-endpoint/", "non-html"),
    ("api docs", "anonymous", lambda w: "/api/v1/docs/", "api-docs"),
    ("media download", "administrator", lambda w: w.objects["document"].url, "non-html"),
    ("static file", "anonymous", lambda w: "/static/css/site.css", "non-html"),
]


def directives(header: str) -> dict[str, list[str]]:
    """'default-src 'self'; img-src 'self' data:' -> {"default-src": ["'self'"], "img-src": [...]}."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def fetch(client_for, world, role, url_of):
    response = client_for(role).get(url_of(world))
    assert response.status_code in (200, 404), (url_of(world), response.status_code)
    return response


@pytest.mark.parametrize(("name", "role", "url_of", "kind"), PAGES, ids=[page[0] for page in PAGES])
def test_every_kind_of_response_carries_the_security_headers(client_for, world, name, role, url_of, kind):
    response = fetch(client_for, world, role, url_of)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in permissions
    csp = directives(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == (["'self'"] if kind == "admin" else ["'none'"])
    if kind != "non-html":
        assert response["Cross-Origin-Opener-Policy"] in ("same-origin", "unsafe-none")  # Swagger UI: unsafe-none
        assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


@pytest.mark.parametrize(
    ("name", "role", "url_of"),
    [(name, role, url_of) for name, role, url_of, kind in PAGES if kind == "site"],
    ids=[name for name, _role, _url, kind in PAGES if kind == "site"],
)
def test_site_pages_allow_no_inline_script_or_style(client_for, world, name, role, url_of):
    response = fetch(client_for, world, role, url_of)
    csp = directives(response["Content-Security-Policy"])

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce asked for by any page, no 'unsafe-inline'
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "https://www.youtube-nocookie.com" in csp["frame-src"]
    assert "https://player.vimeo.com" in csp["frame-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_site_templates_have_no_inline_script_style_or_event_handler(client_for, world):
    """What the policy would block is not in our markup either (the browser test sees the rest)."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    style_attribute = re.compile(r"<[^>]+\sstyle\s*=", re.I)
    for name, role, url_of, kind in PAGES:
        if kind != "site":
            continue
        html = fetch(client_for, world, role, url_of).content.decode()
        assert not inline_script.search(html), name
        assert not handler.search(html), name
        assert not style_attribute.search(html), name


def test_the_wagtail_admin_has_its_relaxed_policy_and_nothing_else_does(client_for, world):
    admin = directives(client_for("administrator").get("/admin/")["Content-Security-Policy"])
    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["object-src"] == ["'none'"]
    assert admin["base-uri"] == ["'self'"]
    assert admin["frame-ancestors"] == ["'self'"]

    # The relaxation follows the path prefix, not the user: an administrator on the site gets
    # the site's policy, and the admin's login page (anonymous) the admin's.
    site = directives(client_for("administrator").get("/")["Content-Security-Policy"])
    assert "'unsafe-inline'" not in site["script-src"]
    login = client_for("anonymous").get("/admin/login/")
    assert "'unsafe-inline'" in directives(login["Content-Security-Policy"])["script-src"]


def test_the_page_preview_may_be_framed_by_the_editor_only(client_for, world):
    """Wagtail renders a preview by running a made-up request for the page's URL through the
    middleware (make_preview_request); the editor frames the result."""
    lesson = world.objects["lesson"]
    preview = lesson.specific.make_preview_request()
    assert preview.status_code == 200
    csp = directives(preview["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # otherwise the site's policy
    # The page itself, outside a preview, may not be framed at all.
    live = client_for("student").get(lesson.url)
    assert directives(live["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    # The editor that frames it.
    editor = client_for("administrator").get(f"/admin/pages/{world.ids['lesson']}/edit/")
    assert editor.status_code == 200
    assert directives(editor["Content-Security-Policy"])["frame-src"][0] == "'self'"


def test_api_and_file_responses_get_the_strict_policy(client_for, world):
    for url in ("/api/v1/courses/", "/api/v1/no-such-endpoint/", "/static/css/site.css"):
        response = client_for("anonymous").get(url)
        assert directives(response["Content-Security-Policy"]) == {
            "default-src": ["'none'"],
            "frame-ancestors": ["'none'"],
        }, url


def test_the_api_docs_page_runs_only_its_nonced_inline_code(client_for, world):
    response = client_for("anonymous").get("/api/v1/docs/")
    csp = directives(response["Content-Security-Policy"])
    nonces = [source for source in csp["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]
    assert csp["default-src"] == ["'none'"]


def test_a_policy_a_view_sets_itself_is_kept_and_gains_frame_ancestors(client_for, world):
    """A file download keeps its own sandbox policy (uploads.serving); frame-ancestors is added."""
    response = client_for("administrator").get(world.objects["document"].url)
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert "sandbox" in csp
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_hsts_is_sent_over_https_with_the_production_values(world, db):
    """production.py sets these values (check --deploy below fails without them)."""
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in Client().get("/")  # never over plain HTTP


def test_session_and_csrf_cookies_are_httponly_and_samesite_lax(world, db):
    user = UserFactory(email="cookie@example.org")
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/accounts/login/")
    csrf_cookie = login_page.cookies["csrftoken"]
    assert csrf_cookie["httponly"] is True
    assert csrf_cookie["samesite"] == "Lax"

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.content.decode()).group(1)
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.content[:500]
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def test_check_deploy_passes_on_the_production_settings():
    """`manage.py check --deploy --fail-level WARNING` with production settings (scripts/check-deploy.sh):
    HSTS, SSL redirect, Secure cookies, DEBUG off, a strong SECRET_KEY, X-Frame-Options, …"""
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [str(REPO / "scripts" / "check-deploy.sh"), sys.executable],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
