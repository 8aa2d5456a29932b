"""Consent pages: accept the versions in force, read a document, change the marketing choice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from profiles.consent import (
    consent_accept,
    legal_documents_in_force,
    legal_documents_to_accept,
    marketing_consent_current,
    marketing_consent_set,
)
from profiles.consent_forms import ConsentAcceptForm, MarketingConsentForm
from profiles.consent_models import LegalDocument


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def accept(request):
    """The versions in force that the person has not accepted yet; they continue once they have."""
    documents = legal_documents_to_accept(request.user)
    if not documents:
        request.session.pop("_consent_pending", None)
        return redirect(_safe_next(request))
    form = ConsentAcceptForm(request.POST if request.method == "POST" else None, documents=documents)
    if request.method == "POST" and form.is_valid():
        consent_accept(user=request.user, documents=documents, request=request)
        messages.success(request, "Thank you. You can continue where you were.")
        return redirect(_safe_next(request))
    return render(
        request, "consent/accept.html", {"form": form, "documents": documents, "next": _safe_next(request, "")}
    )


@require_http_methods(["GET"])
def document(request, kind: str):
    """The version in force of the terms or the privacy policy (public)."""
    if kind not in LegalDocument.Kind.values:
        raise Http404
    current = legal_documents_in_force().get(kind)
    if current is None:
        raise Http404
    return render(request, "consent/document.html", {"document": current})


@login_required
@require_http_methods(["GET", "POST"])
def marketing(request):
    """Marketing email: optional, off until the person turns it on; every change is recorded."""
    current = marketing_consent_current(request.user)
    form = MarketingConsentForm(request.POST if request.method == "POST" else None, initial={"marketing": current})
    if request.method == "POST" and form.is_valid():
        changed = marketing_consent_set(user=request.user, granted=form.cleaned_data["marketing"], request=request)
        if changed is not None:
            messages.success(request, "Your email preference is saved.")
        return redirect("consent:marketing")
    return render(request, "consent/marketing.html", {"form": form, "granted": current})
