"""Wagtail admin user forms with the profile fields of our User model."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.models import TIME_ZONE_CHOICES

PROFILE_FIELDS = {"display_name", "time_zone"}


class StaffPasswordMixin:
    """The roles chosen in the same form decide the password length (accounts.password_validation)."""

    def validate_password(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            self.instance.pending_role_names = [group.name for group in groups]
        super().validate_password()


class NamesOptionalMixin:
    """Our users have a display name; first and last names are optional (sign-up never asks for them).

    Wagtail's user forms require both, which would stop an administrator from changing the roles
    of anyone who signed up on the site until they invented names for them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            if name in self.fields:
                self.fields[name].required = False


class LmsUserCreationForm(NamesOptionalMixin, StaffPasswordMixin, UserCreationForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC", label="Time zone")

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class LmsUserEditForm(NamesOptionalMixin, StaffPasswordMixin, UserEditForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS
