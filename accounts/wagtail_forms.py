"""Wagtail admin user forms with the profile fields of our User model."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.models import TIME_ZONE_CHOICES


class LmsUserCreationForm(UserCreationForm):
    display_name = forms.CharField(max_length=150, required=False, label="Display name")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC", label="Time zone")


class LmsUserEditForm(UserEditForm):
    display_name = forms.CharField(max_length=150, required=False, label="Display name")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")
