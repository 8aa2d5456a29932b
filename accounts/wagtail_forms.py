"""Wagtail admin user forms with the profile fields of our User model."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.models import TIME_ZONE_CHOICES

PROFILE_FIELDS = {"display_name", "time_zone"}


class LmsUserCreationForm(UserCreationForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC", label="Time zone")

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class LmsUserEditForm(UserEditForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS
