"""Certificate pages: thin views over certificates.selectors (reads) and services (writes).

- /certificates/verify/<code>/ is public and the same for every visitor: status, snapshot and
  the history of that learner's certificates for the course; nothing else about the learner.
- /certificates/<id>/pdf/ and /certificates/<id>/recertify/ are the learner's own: any other
  user's certificate is a 404, never its data.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from certificates import permissions, selectors, services
from certificates.models import Certificate
from learning.media import FileSlice, accel_redirect_uri
from lms_site.rest.exceptions import DomainError


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    verification = selectors.certificate_verification(code)
    if verification is None:
        raise Http404("No certificate has this code.")
    response = render(request, "certificates/verify.html", {"verification": verification})
    response["X-Robots-Tag"] = "noindex"
    return response


def _own_certificate_or_404(request: HttpRequest, pk: int) -> Certificate:
    return get_object_or_404(Certificate.objects.filter(user=request.user), pk=pk)


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's certificate PDF, through the same delivery as lesson files (learning.media):
    X-Accel-Redirect to nginx when MEDIA_ACCEL_REDIRECT is on, streamed by Django otherwise."""
    certificate = _own_certificate_or_404(request, pk)
    if not permissions.can_download_certificate(request.user, certificate) or not certificate.pdf:
        raise Http404("No PDF for this certificate.")
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": content_disposition_header(
            True, f"certificate-{slugify(certificate.course_title) or 'course'}-{certificate.pk}.pdf"
        ),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private",
    }
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(b"")
        response["X-Accel-Redirect"] = accel_redirect_uri(SimpleNamespace(file=certificate.pdf, pk=certificate.pk))
    else:
        storage, name = certificate.pdf.storage, certificate.pdf.name
        try:
            size = storage.size(name)
        except FileNotFoundError:
            raise Http404("No PDF for this certificate.") from None
        response = StreamingHttpResponse(FileSlice(storage, name, 0, size))
        headers["Content-Length"] = str(size)
    for header, value in headers.items():
        response[header] = value
    return response


@require_POST
@login_required
def certificate_recertify(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _own_certificate_or_404(request, pk)
    try:
        enrollment = services.certificate_recertify(user=request.user, certificate=certificate)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("learning:dashboard")
    messages.success(
        request,
        f"You started {enrollment.course.title} again (run {enrollment.run}). "
        "Complete it to earn a new certificate; your earlier certificates stay in your history.",
    )
    return redirect(enrollment.course.url or "learning:dashboard")
