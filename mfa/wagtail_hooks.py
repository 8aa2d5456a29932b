"""The Wagtail admin's account page points at the one place where devices are managed (the site's security page).

There is no second set of devices or settings in the admin: the admin is reached only after the
site's verify step (mfa.middleware), and this link is the admin's only MFA action.
"""

from django.urls import reverse
from wagtail import hooks


@hooks.register("register_account_menu_item")
def security_menu_item(request):
    return {
        "url": reverse("mfa:overview"),
        "label": "Two-factor authentication",
        "help_text": "Authenticator apps and backup codes (the same for the site, the admin and the API).",
    }
