"""The learner's privacy page: export their data, schedule or cancel the erasure of their account.

- /accounts/privacy/ (privacy:overview): status and buttons.
- POST …/export/ queues an export (one pending at a time); …/export/<id>/download/ is the
  owner's only (404 for anyone else, 410 once the link expired).
- …/erasure/ asks for the password again before scheduling; POST …/erasure/cancel/ cancels.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from privacy import downloads, selectors, services
from privacy.forms import ErasureConfirmForm
from privacy.models import ExportRequest


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    moment = timezone.now()
    exports = [
        {"export": export, "download_url": selectors.export_download_url(export, moment=moment)}
        for export in selectors.exports_of(request.user)
    ]
    context = {
        "exports": exports,
        "export_pending": selectors.export_pending(request.user),
        "erasure": selectors.erasure_pending(request.user),
        "link_hours": settings.EXPORT_LINK_TTL_HOURS,
        "grace_days": settings.ERASURE_GRACE_DAYS,
    }
    return render(request, "privacy/overview.html", context)


@require_POST
@login_required
def export_request(request: HttpRequest) -> HttpResponse:
    _, created = services.export_request_create(user=request.user, request=request)
    if created:
        messages.success(request, "We are preparing your data. You will get an email with the download link.")
    else:
        messages.info(request, "Your data is already being prepared: you will get an email when it is ready.")
    return redirect("privacy:overview")


@login_required
@require_safe
def export_download(request: HttpRequest, export_id) -> HttpResponse:
    export = ExportRequest.objects.filter(pk=export_id, user=request.user).first()
    if export is None or export.status not in (ExportRequest.Status.READY, ExportRequest.Status.EXPIRED):
        raise Http404("No such export.")
    if export.is_expired():
        return render(
            request, "privacy/export_expired.html", {"link_hours": settings.EXPORT_LINK_TTL_HOURS}, status=410
        )
    response = downloads.export_file_response(export)
    services.export_download_record(export=export, request=request)
    return response


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def erasure_request(request: HttpRequest) -> HttpResponse:
    if selectors.erasure_pending(request.user) is not None:
        return redirect("privacy:overview")
    form = ErasureConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        erasure, _ = services.erasure_request_create(user=request.user, request=request)
        messages.success(
            request,
            f"Your account will be erased on {erasure.due_at:%d %B %Y}. You can cancel until then on this page.",
        )
        return redirect("privacy:overview")
    return render(request, "privacy/erasure_confirm.html", {"form": form, "grace_days": settings.ERASURE_GRACE_DAYS})


@require_POST
@login_required
def erasure_cancel(request: HttpRequest) -> HttpResponse:
    if services.erasure_request_cancel(user=request.user, request=request) is not None:
        messages.success(request, "The erasure of your account is cancelled.")
    return redirect("privacy:overview")
