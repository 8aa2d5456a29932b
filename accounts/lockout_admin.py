"""The administrators' lockout page in the Wagtail admin (/admin/lockouts/): who is locked out, and Unlock.

Only administrators (the Administrator role or superusers) may see or use it; axes' own records
are also in the Django admin (/django-admin/axes/).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.lockout import lockout_unlock, lockouts_current
from accounts.permissions import can_manage_users

URL_NAME = "accounts_lockouts"


class LockoutListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/admin/lockouts.html"
    page_title = "Locked-out sign-ins"
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = lockouts_current()
        return context

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind", "")
        value = request.POST.get("value", "").strip()
        if kind not in ("account", "address") or not value:
            messages.error(request, "Choose an account or an address to unlock.")
            return redirect(URL_NAME)
        lockout_unlock(actor=request.user, kind=kind, value=value, request=request)
        messages.success(request, f"Unlocked {'the account' if kind == 'account' else 'the address'} {value}.")
        return redirect(URL_NAME)
