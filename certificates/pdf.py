"""A certificate's PDF: Django template (autoescaped) -> HTML -> WeasyPrint, with a locked fetcher.

What WeasyPrint may load while rendering (`StaticAssetFetcher`): only files of the project's
own static assets, named `static:<path>` (e.g. `static:certificates/certificate.css`) and
found through Django's staticfiles finders. Everything else is refused before any I/O:
`file:`, `http(s):`, `ftp:`, `data:` and relative URLs, and a `static:` path that leaves the
static directories. Learner and administrator text (name, course title, the template's
heading and body) is escaped into the HTML, so it cannot add elements or styles that fetch;
the fetcher is the second lock should a template ever let markup through. The QR code is an
inline SVG made in Python (no image to fetch).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import segno
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.models import Certificate, CertificateTemplate, template_text_fill
from certificates.selectors import certificate_verify_url
from courses.models import CoursePage

STATIC_SCHEME = "static:"
# What a certificate's HTML may pull in: its stylesheet, images and fonts.
ALLOWED_STATIC_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
PDF_TEMPLATE = "certificates/pdf/certificate.html"


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the project's static assets."""


class StaticAssetFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, answering only `static:<path>` from the staticfiles finders.

    It never calls urllib (the parent's `open`), so no scheme handler can run. A refusal raises
    an ordinary exception: WeasyPrint logs it and renders on without the resource.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("static",), allow_redirects=False)

    def fetch(self, url, headers=None):
        path = static_asset_path(url)
        content_type = ALLOWED_STATIC_TYPES[path.suffix.lower()]
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def static_asset_path(url: str) -> Path:
    """The file a `static:` URL names, or FetchRefused. No file is opened here."""
    if not isinstance(url, str) or not url.startswith(STATIC_SCHEME):
        raise FetchRefused(f"Certificate PDFs load only static: assets, not {url[:80]!r}.")
    relative = unquote(url[len(STATIC_SCHEME) :].split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    parts = relative.replace("\\", "/").split("/")
    if not relative or ".." in parts or "\x00" in relative:
        raise FetchRefused(f"Not a static asset path: {relative[:80]!r}.")
    if Path(relative).suffix.lower() not in ALLOWED_STATIC_TYPES:
        raise FetchRefused(f"Static asset type not allowed in a certificate: {relative[:80]!r}.")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as exc:
        raise FetchRefused(f"Not a static asset path: {relative[:80]!r}.") from exc
    if not found:
        raise FetchRefused(f"No static asset {relative[:80]!r}.")
    return Path(found)


# --- What the PDF shows --------------------------------------------------------------------------


def qr_code_svg(url: str) -> str:
    """An inline SVG QR code of `url`: drawn in Python, nothing for WeasyPrint to fetch."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, dark="#111827", omitsize=False)


def edition_chain_ids(course) -> list[int]:
    """The course's id, then each earlier edition's, newest first (one query per edition)."""
    chain = [course.pk]
    previous_id = course.previous_edition_id
    while previous_id and previous_id not in chain:
        chain.append(previous_id)
        previous_id = CoursePage.objects.filter(pk=previous_id).values_list("previous_edition_id", flat=True).first()
    return chain


def certificate_template_for(course) -> CertificateTemplate:
    """The course's template, else its nearest earlier edition's, else the default, else built-in."""
    chain = edition_chain_ids(course)
    templates = {
        t.course_id: t for t in CertificateTemplate.objects.filter(Q(course_id__in=chain) | Q(course__isnull=True))
    }
    for course_id in chain:
        if course_id in templates:
            return templates[course_id]
    return templates.get(None) or CertificateTemplate(name="Built-in")


@dataclass
class CertificateDocument:
    html: str
    template: CertificateTemplate


def certificate_html(certificate: Certificate, template: CertificateTemplate | None = None) -> CertificateDocument:
    template = template or certificate_template_for(certificate.course)
    url = certificate_verify_url(certificate)
    completed_on = date_format(certificate.completed_at.date(), "j F Y")
    body = template_text_fill(
        template.body,
        {
            "name": certificate.learner_name,
            "course": certificate.course_title,
            "date": completed_on,
            "hours": str(certificate.hours),
            "code": certificate.code,
        },
    )
    html = render_to_string(
        PDF_TEMPLATE,
        {
            "certificate": certificate,
            "template": template,
            "body": body,
            "completed_on": completed_on,
            "verify_url": url,
            "qr_svg": mark_safe(qr_code_svg(url)),  # noqa: S308  # nosec  # nosemgrep: lms-mark-safe-non-literal - segno's SVG of a URL, no input markup
        },
    )
    return CertificateDocument(html=html, template=template)


def certificate_pdf_bytes(certificate: Certificate, *, fetcher: StaticAssetFetcher | None = None) -> bytes:
    """Render the certificate to PDF bytes. No network or file access beyond static assets."""
    document = certificate_html(certificate)
    # base_url=None: a relative URL in the HTML resolves to nothing, so it is never fetched.
    return HTML(string=document.html, base_url=None, url_fetcher=fetcher or StaticAssetFetcher()).write_pdf()
