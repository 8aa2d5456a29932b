"""Who may do what with accounts."""

from accounts import roles


def can_manage_users(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(roles.ADMINISTRATOR))
