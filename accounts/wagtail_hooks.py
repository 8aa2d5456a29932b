"""Wagtail admin wiring of accounts: the administrators' lockout page."""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.lockout_admin import URL_NAME, LockoutListView
from accounts.permissions import can_manage_users


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_users(request.user)


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [path("lockouts/", LockoutListView.as_view(), name=URL_NAME)]


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return AdministratorsMenuItem(
        "Locked-out sign-ins", reverse_lazy(URL_NAME), name="lockouts", icon_name="lock", order=610
    )
