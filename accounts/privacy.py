"""The account in the privacy registry (privacy.registry).

Erasure keeps the User row — enrollments, attempts and certificates point at it, and the
audit trail's pseudonymous actor ids must stay resolvable to "an erased account" — but
anonymises it: an undeliverable random email, no names, an unusable password, inactive, no
roles. Deactivating ends every JWT (accounts.tokens) and the sessions are deleted by the
sessions handler (lms_site/privacy.py).
"""

from django.core.cache import cache

from accounts.models import User
from accounts.selectors import admin_access_cache_key
from privacy.registry import register
from privacy.services import erased_email_new

EXPORTED_FIELDS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "time_zone",
    "date_joined",
    "last_login",
    "is_active",
)


def user_export(user) -> dict:
    row = User.objects.get(pk=user.pk)
    data = {name: getattr(row, name) for name in EXPORTED_FIELDS}
    data["roles"] = sorted(row.groups.values_list("name", flat=True))
    return data


def user_erase(user) -> None:
    row = User.objects.select_for_update().get(pk=user.pk)
    row.email = erased_email_new()
    row.first_name = ""
    row.last_name = ""
    row.display_name = ""
    row.time_zone = "UTC"
    row.is_active = False
    row.is_staff = False
    row.is_superuser = False
    row.last_login = None
    row.set_unusable_password()
    row.save()
    row.groups.clear()
    row.user_permissions.clear()
    cache.delete(admin_access_cache_key(row.pk))


register(User, user_path="", export=user_export, erase=user_erase)
