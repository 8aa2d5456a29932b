"""The password policy (SECURITY.md): length, not composition.

At least 12 characters for learners and 15 for staff (a staff role, Django staff or superuser),
at most 1024 so long passphrases fit but hashing cannot be made expensive; the common-password
list and the similarity check are Django's own validators (settings/parts/auth.py).

A form that gives a user roles and a password together (the Wagtail admin's user forms) sets
`user.pending_role_names` so the staff length applies before the roles are saved.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts import roles
from accounts.sessions import is_staff_user


def user_needs_staff_password(user) -> bool:
    if user is None:
        return False
    pending = getattr(user, "pending_role_names", None)
    if pending is not None and any(name in roles.STAFF_ROLES for name in pending):
        return True
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.pk) and is_staff_user(user)


class RoleMinimumLengthValidator:
    def __init__(self, learner_min_length: int = 12, staff_min_length: int = 15):
        self.learner_min_length = learner_min_length
        self.staff_min_length = staff_min_length

    def min_length_for(self, user) -> int:
        return self.staff_min_length if user_needs_staff_password(user) else self.learner_min_length

    def validate(self, password: str, user=None) -> None:
        min_length = self.min_length_for(user)
        if len(password) < min_length:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min_length)d character.",
                    "This password is too short. It must contain at least %(min_length)d characters.",
                    min_length,
                ),
                code="password_too_short",
                params={"min_length": min_length},
            )

    def get_help_text(self) -> str:
        return (
            f"Use at least {self.learner_min_length} characters ({self.staff_min_length} for staff accounts). "
            "A few unrelated words make a strong passphrase; no special characters are required."
        )


class MaximumLengthValidator:
    def __init__(self, max_length: int = 1024):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                "This password is too long. It may contain at most %(max_length)d characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Up to {self.max_length} characters."
