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


class LmsUserCreationForm(StaffPasswordMixin, UserCreationForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC", label="Time zone")

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class LmsUserEditForm(StaffPasswordMixin, UserEditForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS
