"""Consent: accepting the terms of service and privacy policy, and the separate marketing choice.

- Signup asks for the versions in force (profiles.consent_forms.ConsentSignupForm).
- At every sign-in (any path that logs a session in: site, Wagtail admin, Django admin) the
  versions in force are compared with what the person accepted; when one is missing the session
  is marked and `ConsentRequiredMiddleware` sends every page to the "accept the new terms" page
  until they accept (or log out). The check costs nothing on other requests.
- Marketing email is optional, off by default, changed from the account page; each change is a
  new record with its time.

Every acceptance is a ConsentRecord (user, kind, version, time, client address).
"""

from urllib.parse import urlencode

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from lms_site.client_ip import client_ip
from profiles.consent_models import ConsentRecord, LegalDocument

PENDING_SESSION_KEY = "_consent_pending"


# --- Reads -------------------------------------------------------------------------------------


def legal_documents_in_force() -> dict[str, LegalDocument]:
    """The version in force of each kind of document that has one (kind → document)."""
    current: dict[str, LegalDocument] = {}
    for document in LegalDocument.objects.in_force().order_by("kind", "-effective_at", "-pk"):
        current.setdefault(document.kind, document)
    return current


def legal_documents_to_accept(user) -> list[LegalDocument]:
    """The versions in force that this user has not accepted (terms first)."""
    current = legal_documents_in_force()
    if not current:
        return []
    accepted = set(
        ConsentRecord.objects.filter(
            user=user, granted=True, document_id__in=[doc.pk for doc in current.values()]
        ).values_list("document_id", flat=True)
    )
    return [current[kind] for kind in LegalDocument.Kind.values if kind in current and current[kind].pk not in accepted]


def marketing_consent_current(user) -> bool:
    latest = ConsentRecord.objects.filter(user=user, kind=ConsentRecord.Kind.MARKETING).order_by("-accepted_at", "-pk")
    record = latest.first()
    return bool(record and record.granted)


def consent_history(user):
    return ConsentRecord.objects.filter(user=user).order_by("-accepted_at", "-pk")


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def consent_accept(*, user, documents, request=None) -> list[ConsentRecord]:
    """Record that the user accepted these versions (now, from the request's client address)."""
    now = timezone.now()
    ip = client_ip(request) if request is not None else None
    records = [
        ConsentRecord.objects.create(
            user=user, kind=document.kind, document=document, version=document.version, accepted_at=now, ip=ip
        )
        for document in documents
    ]
    if request is not None and hasattr(request, "session"):
        request.session.pop(PENDING_SESSION_KEY, None)
    return records


@transaction.atomic
def marketing_consent_set(*, user, granted: bool, request=None) -> ConsentRecord | None:
    """Record a change of the marketing choice (nothing when it is the same as before)."""
    if marketing_consent_current(user) == granted:
        return None
    return ConsentRecord.objects.create(
        user=user,
        kind=ConsentRecord.Kind.MARKETING,
        granted=granted,
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_logged_in)
def _check_consent_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if legal_documents_to_accept(user):
        request.session[PENDING_SESSION_KEY] = True
    else:
        request.session.pop(PENDING_SESSION_KEY, None)


# --- The middleware ------------------------------------------------------------------------

# Paths a person with pending terms may still reach: the accept page and the documents, logging
# out, the second factor (asked before anything else), the API (JSON clients), static files.
EXEMPT_PREFIXES = ("/accounts/consent/", "/accounts/logout/", "/accounts/security/", "/api/", "/static/", "/health/")


class ConsentRequiredMiddleware:
    """Sends a signed-in person whose session is marked at login to the accept page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(PENDING_SESSION_KEY)
            and request.user.is_authenticated
            and not request.path_info.startswith(EXEMPT_PREFIXES)
        ):
            url = reverse("consent:accept")
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        return self.get_response(request)
