"""Writes on accounts: role assignment."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import User


@transaction.atomic
def user_set_roles(*, user: User, role_names: list[str]) -> User:
    """Give the user exactly these roles. Administrators get Django-admin access (is_staff)."""
    unknown = set(role_names) - set(roles.ALL_ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    groups = list(Group.objects.filter(name__in=role_names))
    user.groups.set(groups)
    user.is_staff = roles.ADMINISTRATOR in role_names or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    return user


def user_add_default_role(*, user: User) -> None:
    """Every new sign-up is a Student."""
    user.groups.add(Group.objects.get(name=roles.STUDENT))
