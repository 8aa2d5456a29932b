"""Certificates in the Wagtail admin: the list (filters by course and status), inspect, and the
revoke and reissue actions. Who may use them is `permissions.can_manage_certificates`
(administrators), through `CertificatePermissionPolicy` for Wagtail's generic views and
directly in the action views; the actions only translate HTTP into certificates.services.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import roles
from certificates import permissions, services
from certificates.exceptions import CertificateError
from certificates.models import Certificate

URL_NAMESPACE = "certificate_admin"


class CertificatePermissionPolicy(BasePermissionPolicy):
    """Wagtail's view of `permissions.can_manage_certificates`: administrators may view
    (list, inspect); nobody adds, edits or deletes a certificate in the admin, since every
    change goes through revoke or reissue."""

    def user_has_permission(self, user, action):
        return action == "view" and permissions.can_manage_certificates(user)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR))
            .distinct()
        )


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=Certificate.Status.choices, method="filter_status", empty_label="Any status"
    )

    class Meta:
        model = Certificate
        fields = ["course", "status"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == Certificate.Status.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        unrevoked = queryset.filter(revoked_at__isnull=True)
        if value == Certificate.Status.EXPIRED:
            return unrevoked.filter(expires_at__lte=now)
        if value == Certificate.Status.VALID:
            return unrevoked.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        return queryset


def action_buttons(certificate: Certificate, user) -> list[Button]:
    if not permissions.can_manage_certificates(user):
        return []
    buttons = []
    if certificate.revoked_at is None:
        buttons.append(
            Button(
                "Revoke",
                url=reverse(f"{URL_NAMESPACE}:revoke", args=(certificate.pk,)),
                icon_name="warning",
                priority=10,
            )
        )
    if not Certificate.objects.filter(replaces=certificate).exists():
        buttons.append(
            Button(
                "Reissue",
                url=reverse(f"{URL_NAMESPACE}:reissue", args=(certificate.pk,)),
                icon_name="repeat",
                priority=20,
            )
        )
    return buttons


class CertificateInspectView(InspectView):
    @cached_property
    def header_more_buttons(self):
        return action_buttons(self.object, self.request.user)

    def get_instructors_display_value(self):
        return ", ".join(self.object.instructors) or "-"

    def get_competencies_display_value(self):
        return "; ".join(f"{c['code']} {c['name']}" for c in self.object.competencies) or "-"


class CertificateActionMixin:
    """Administrators only: 403 for anyone else with admin access (Wagtail turns a raised
    PermissionDenied into a redirect home; an action refused must say so). The certificate by its id."""

    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_manage_certificates(request.user):
            return HttpResponseForbidden("Only administrators may revoke or reissue certificates.")
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.certificate)

    def inspect_url(self) -> str:
        return reverse(f"{URL_NAMESPACE}:inspect", args=(self.certificate.pk,))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.certificate
        context["inspect_url"] = self.inspect_url()
        return context


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown on the public verification page.",
    )


class CertificateRevokeView(CertificateActionMixin, WagtailAdminTemplateMixin, FormView):
    page_title = "Revoke certificate"
    template_name = "certificates/admin/revoke.html"
    form_class = RevokeForm

    def form_valid(self, form):
        try:
            services.certificate_revoke(
                certificate=self.certificate, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except CertificateError as error:
            messages.error(self.request, str(error.detail))
        else:
            messages.success(self.request, f"Certificate {self.certificate.code} revoked.")
        return redirect(self.inspect_url())


class CertificateReissueView(CertificateActionMixin, WagtailAdminTemplateMixin, FormView):
    """GET asks for confirmation; POST (with the CSRF token) reissues."""

    page_title = "Reissue certificate"
    template_name = "certificates/admin/reissue.html"
    form_class = forms.Form

    def form_valid(self, form):
        try:
            new = services.certificate_reissue(certificate=self.certificate, by=self.request.user)
        except CertificateError as error:
            messages.error(self.request, str(error.detail))
            return redirect(self.inspect_url())
        messages.success(self.request, f"Certificate reissued with the new code {new.code}; the old one is revoked.")
        return redirect(reverse(f"{URL_NAMESPACE}:inspect", args=(new.pk,)))
